// Renders a linkage sheet with its fax cover page: PDF (A4, CJK text through pango and cairo)
// and TIFF Group 4 at fax resolution (204 × 196 dpi, 1728 dots wide), every page with the QR
// code that identifies a sheet faxed back.
#pragma once

#include <string>

#include "linkage_sheet.h"
#include "renkei/core/status.h"

namespace renkei::adapters {

struct RenderedSheet {
  std::string pdf;   ///< empty when not asked for
  std::string tiff;  ///< multi-page TIFF, CCITT G4; empty when not asked for
  int pages = 0;     ///< the cover page included
};

/// Cairo, pango, qrencode and libtiff failures come back as statuses.
Result<RenderedSheet> renderSheet(const SheetContent& sheet, bool pdf, bool tiff);

}  // namespace renkei::adapters

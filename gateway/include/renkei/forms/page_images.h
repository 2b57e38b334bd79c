// The pages of a scanned or received form in any of the shapes offices send: TIFF (a fax, one
// directory a page, standard resolution made square), PNG or JPEG (one page), PDF (each page
// rendered at the forms' resolution through poppler). Sniffed from the bytes, not the name.
#pragma once

#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/fax_pages.h"

namespace renkei::forms {

struct ImageLimits {
  FaxLimits pages;                    ///< pages per file, pixels per page
  uint64_t maxBytes = 64ull << 20;    ///< the file itself
  int pdfDpi = 200;                   ///< PDF pages are rendered at this resolution
};

/// InvalidInput for bytes that are none of the shapes or cannot be decoded, TooLarge past a
/// limit, and zero pages is InvalidInput too.
Result<std::vector<GrayPage>> readPageImages(const std::string& bytes, const ImageLimits& limits = {});

/// The page turned by 180° (a sheet fed upside down).
void turnUpsideDown(GrayPage& page);

}  // namespace renkei::forms

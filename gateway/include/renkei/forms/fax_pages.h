// The pages of a received fax (TIFF: one directory a page, G3/G4 or any libtiff reads) as 8-bit
// gray images with square pixels: a standard-resolution fax (204 × 98 dpi) has each row doubled,
// so codes and boxes keep their shape. Limits on pages and pixels; libtiff's warnings stay quiet.
// And the other way: pages written as a G4 fax TIFF (sample faxes, tests).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::forms {

struct GrayPage {
  uint32_t width = 0, height = 0;
  std::vector<uint8_t> pixels;  ///< row by row, 0 black … 255 white
};

struct FaxLimits {
  int maxPages = 20;
  uint64_t maxPixelsPerPage = 40'000'000;
};

/// The pages of the TIFF file open at `fd` (taken: closed when done); InvalidInput when it is not
/// a TIFF libtiff can read, or exceeds the limits.
Result<std::vector<GrayPage>> readFaxPages(int fd, const std::string& name, const FaxLimits& limits = {});
/// The same from bytes in memory (for tests and fuzzing).
Result<std::vector<GrayPage>> readFaxPagesFromMemory(const std::string& bytes, const FaxLimits& limits = {});

/// Pages as a multi-page 1-bit CCITT G4 TIFF (gray below 128 is black) with the given
/// resolution: 204 × 196 for fine mode, 204 × 98 for standard mode (rows already halved).
Result<std::string> encodeFaxTiff(const std::vector<GrayPage>& pages, double xres, double yres);

}  // namespace renkei::forms

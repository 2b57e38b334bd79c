// QR codes on a page image (zbar): a fax sheet's reply code, a form's identifying code.
#pragma once

#include <string>
#include <vector>

#include "renkei/forms/fax_pages.h"

namespace renkei::forms {

/// The text of every QR code zbar finds on the page.
std::vector<std::string> qrCodes(const GrayPage& page);
/// The same within a part of the page (clipped to it): x, y, width, height in page pixels.
std::vector<std::string> qrCodes(const GrayPage& page, int x, int y, int width, int height);

}  // namespace renkei::forms

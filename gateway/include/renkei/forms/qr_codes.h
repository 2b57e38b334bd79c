// QR codes on a page image (zbar): a fax sheet's reply code, a form's identifying code.
#pragma once

#include <string>
#include <vector>

#include "renkei/forms/fax_pages.h"

namespace renkei::forms {

/// The text of every QR code zbar finds on the page.
std::vector<std::string> qrCodes(const GrayPage& page);

}  // namespace renkei::forms

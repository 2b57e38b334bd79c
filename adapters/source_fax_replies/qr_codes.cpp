// QR codes through zbar's C API (see qr_codes.h).
#include "qr_codes.h"

#include <zbar.h>

namespace renkei::adapters {

std::vector<std::string> qrCodes(const GrayPage& page) {
  using namespace zbar;  // zbar.h declares its C API in namespace zbar for C++
  std::vector<std::string> out;
  if (page.pixels.empty()) return out;
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t* image = zbar_image_create();
  zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image, page.width, page.height);
  zbar_image_set_data(image, page.pixels.data(), page.pixels.size(), nullptr);
  if (zbar_scan_image(scanner, image) > 0) {
    for (const zbar_symbol_t* s = zbar_image_first_symbol(image); s != nullptr; s = zbar_symbol_next(s)) {
      if (zbar_symbol_get_type(s) == ZBAR_QRCODE) {
        out.emplace_back(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
      }
    }
  }
  zbar_image_destroy(image);
  zbar_image_scanner_destroy(scanner);
  return out;
}

std::optional<SheetReply> sheetReply(const std::string& code) {
  constexpr std::string_view kPrefix = "renkei:";
  if (code.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::size_t colon = code.find(':', kPrefix.size());
  if (colon == std::string::npos || colon == kPrefix.size() || colon + 1 >= code.size()) return std::nullopt;
  return SheetReply{code.substr(kPrefix.size(), colon - kPrefix.size()), code.substr(colon + 1)};
}

}  // namespace renkei::adapters

// QR codes through zbar's C API (see qr_codes.h).
#include "renkei/forms/qr_codes.h"

#include <algorithm>

#include <zbar.h>

namespace renkei::forms {

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

std::vector<std::string> qrCodes(const GrayPage& page, int x, int y, int width, int height) {
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min<int>(int(page.width), x + width), y1 = std::min<int>(int(page.height), y + height);
  if (x1 <= x0 || y1 <= y0) return {};
  GrayPage part;
  part.width = uint32_t(x1 - x0);
  part.height = uint32_t(y1 - y0);
  part.pixels.resize(std::size_t(part.width) * part.height);
  for (int row = y0; row < y1; ++row) {
    std::copy_n(page.pixels.begin() + std::size_t(row) * page.width + x0, part.width,
                part.pixels.begin() + std::size_t(row - y0) * part.width);
  }
  return qrCodes(part);
}

}  // namespace renkei::forms

// Zone clean-up (see zone_image.h).
#include "renkei/forms/zone_image.h"

#include <optional>

#include <leptonica/allheaders.h>

namespace renkei::forms {
namespace {

constexpr int kMargin = 12;

/// Rows (or columns) near the zone's edges that are mostly ink are a box's ruling: made white.
void removeEdgeRulings(GrayPage& z) {
  const uint32_t bandY = std::max<uint32_t>(2, z.height / 5), bandX = std::max<uint32_t>(2, z.width / 8);
  for (uint32_t y = 0; y < z.height; ++y) {
    if (y >= bandY && y + bandY < z.height) continue;
    uint32_t dark = 0;
    for (uint32_t x = 0; x < z.width; ++x) dark += z.pixels[std::size_t(y) * z.width + x] == 0;
    if (dark > z.width * 0.6) {
      for (uint32_t x = 0; x < z.width; ++x) z.pixels[std::size_t(y) * z.width + x] = 255;
    }
  }
  for (uint32_t x = 0; x < z.width; ++x) {
    if (x >= bandX && x + bandX < z.width) continue;
    uint32_t dark = 0;
    for (uint32_t y = 0; y < z.height; ++y) dark += z.pixels[std::size_t(y) * z.width + x] == 0;
    if (dark > z.height * 0.6) {
      for (uint32_t y = 0; y < z.height; ++y) z.pixels[std::size_t(y) * z.width + x] = 255;
    }
  }
}

}  // namespace

CleanZone cleanZone(const GrayPage& zone, int threshold, int speck) {
  GrayPage bin = zone;
  for (uint8_t& p : bin.pixels) p = p < threshold ? 0 : 255;
  removeEdgeRulings(bin);

  setMsgSeverity(L_SEVERITY_NONE);
  PIX* pix = pixCreate(int(bin.width), int(bin.height), 1);
  l_uint32* data = pixGetData(pix);
  const l_int32 wpl = pixGetWpl(pix);
  for (uint32_t y = 0; y < bin.height; ++y) {
    for (uint32_t x = 0; x < bin.width; ++x) {
      if (bin.pixels[std::size_t(y) * bin.width + x] == 0) SET_DATA_BIT(data + y * wpl, x);
    }
  }
  PIX* kept = pixSelectBySize(pix, speck, speck, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, nullptr);
  CleanZone out;
  out.image.width = bin.width + 2 * kMargin;
  out.image.height = bin.height + 2 * kMargin;
  out.image.pixels.assign(std::size_t(out.image.width) * out.image.height, 255);
  std::size_t dark = 0;
  if (kept != nullptr) {
    const l_uint32* k = pixGetData(kept);
    const l_int32 kwpl = pixGetWpl(kept);
    for (uint32_t y = 0; y < bin.height; ++y) {
      for (uint32_t x = 0; x < bin.width; ++x) {
        if (GET_DATA_BIT(k + y * kwpl, x)) {
          out.image.pixels[std::size_t(y + kMargin) * out.image.width + x + kMargin] = 0;
          ++dark;
        }
      }
    }
    pixDestroy(&kept);
  }
  pixDestroy(&pix);
  out.ink = bin.pixels.empty() ? 0 : double(dark) / double(bin.pixels.size());
  return out;
}

std::vector<InkSpan> inkSpans(const GrayPage& zone) {
  std::vector<InkSpan> out;
  std::optional<InkSpan> open;
  for (uint32_t x = 0; x <= zone.width; ++x) {
    int top = -1, bottom = -1;
    for (uint32_t y = 0; x < zone.width && y < zone.height; ++y) {
      if (zone.pixels[std::size_t(y) * zone.width + x] < 128) {
        if (top < 0) top = int(y);
        bottom = int(y);
      }
    }
    if (top >= 0) {
      if (!open) open = InkSpan{int(x), int(x), top, bottom};
      open->x1 = int(x);
      open->y0 = std::min(open->y0, top);
      open->y1 = std::max(open->y1, bottom);
    } else if (open) {
      out.push_back(*open);
      open.reset();
    }
  }
  return out;
}

double darkShare(const GrayPage& zone) {
  if (zone.pixels.empty()) return 0;
  std::size_t dark = 0;
  for (uint8_t p : zone.pixels) dark += p < 128;
  return double(dark) / double(zone.pixels.size());
}

}  // namespace renkei::forms

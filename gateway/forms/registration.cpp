// Corner-mark registration and zone sampling (see registration.h). Marks are connected
// components of the binarized corner windows (Leptonica) that are square, solid and of the
// template's size at the page's scale.
#include "renkei/forms/registration.h"

#include <cmath>
#include <map>
#include <optional>

#include <leptonica/allheaders.h>

#include "renkei/forms/page_images.h"

namespace renkei::forms {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Point {
  double x = 0, y = 0;
};

/// A window of the page as a 1-bit Leptonica image (dark pixels set).
PIX* binaryWindow(const GrayPage& page, int x0, int y0, int w, int h) {
  PIX* pix = pixCreate(w, h, 1);
  l_uint32* data = pixGetData(pix);
  const l_int32 wpl = pixGetWpl(pix);
  for (int y = 0; y < h; ++y) {
    const uint8_t* row = page.pixels.data() + std::size_t(y0 + y) * page.width + x0;
    l_uint32* line = data + y * wpl;
    for (int x = 0; x < w; ++x) {
      if (row[x] < 128) SET_DATA_BIT(line, x);
    }
  }
  return pix;
}

/// The centre of the solid square nearest the window's outer corner (cornerX, cornerY in page
/// pixels), of side about `side`.
std::optional<Point> findMark(const GrayPage& page, int x0, int y0, int w, int h, double side, double cornerX,
                              double cornerY) {
  setMsgSeverity(L_SEVERITY_NONE);
  PIX* pix = binaryWindow(page, x0, y0, w, h);
  PIXA* parts = nullptr;
  BOXA* boxes = pixConnComp(pix, &parts, 8);
  std::optional<Point> best;
  double bestDistance = 0;
  const l_int32 n = boxes != nullptr ? boxaGetCount(boxes) : 0;
  for (l_int32 i = 0; i < n; ++i) {
    l_int32 bx = 0, by = 0, bw = 0, bh = 0;
    boxaGetBoxGeometry(boxes, i, &bx, &by, &bw, &bh);
    if (bw < side * 0.6 || bw > side * 1.5 || bh < side * 0.6 || bh > side * 1.5) continue;
    PIX* part = pixaGetPix(parts, i, L_CLONE);
    l_int32 dark = 0;
    pixCountPixels(part, &dark, nullptr);
    pixDestroy(&part);
    if (dark < 0.7 * side * side) continue;  // a solid square, not a box outline or a character
    const Point centre{x0 + bx + bw / 2.0, y0 + by + bh / 2.0};
    const double distance = std::hypot(centre.x - cornerX, centre.y - cornerY);
    if (!best || distance < bestDistance) {
      best = centre;
      bestDistance = distance;
    }
  }
  boxaDestroy(&boxes);
  pixaDestroy(&parts);
  pixDestroy(&pix);
  return best;
}

/// The marks found near each page corner, by corner name.
std::map<std::string, Point> marksOnPage(const GrayPage& page, const FormTemplate& form) {
  const double scale = double(page.width) / form.width;
  const double side = form.markSize * scale;
  const int w = int(page.width * 0.22), h = int(page.height * 0.16);
  const int right = int(page.width) - w, bottom = int(page.height) - h;
  std::map<std::string, Point> found;
  const struct {
    const char* corner;
    int x0, y0;
    double cx, cy;
  } windows[] = {{"top_left", 0, 0, 0, 0},
                 {"top_right", right, 0, double(page.width), 0},
                 {"bottom_left", 0, bottom, 0, double(page.height)},
                 {"bottom_right", right, bottom, double(page.width), double(page.height)}};
  for (const auto& win : windows) {
    if (auto p = findMark(page, win.x0, win.y0, w, h, side, win.cx, win.cy)) found[win.corner] = *p;
  }
  return found;
}

const char* opposite(const std::string& corner) {
  if (corner == "top_left") return "bottom_right";
  if (corner == "top_right") return "bottom_left";
  if (corner == "bottom_left") return "top_right";
  return "top_left";
}

bool covers(const std::map<std::string, Point>& found, const FormTemplate& form, bool turned) {
  for (const Mark& m : form.marks) {
    if (found.count(turned ? opposite(m.corner) : m.corner) == 0) return false;
  }
  return true;
}

/// Least-squares affine map from template points to page points (three or more pairs).
std::optional<Affine> fit(const std::vector<Point>& from, const std::vector<Point>& to) {
  double s[3][3] = {}, bx[3] = {}, by[3] = {};
  for (std::size_t i = 0; i < from.size(); ++i) {
    const double v[3] = {from[i].x, from[i].y, 1};
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) s[r][c] += v[r] * v[c];
      bx[r] += v[r] * to[i].x;
      by[r] += v[r] * to[i].y;
    }
  }
  const auto det3 = [](const double m[3][3]) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  const double det = det3(s);
  if (std::fabs(det) < 1e-9) return std::nullopt;
  const auto solve = [&](const double rhs[3], double out[3]) {  // Cramer's rule
    for (int k = 0; k < 3; ++k) {
      double m[3][3];
      for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m[r][c] = c == k ? rhs[r] : s[r][c];
      }
      out[k] = det3(m) / det;
    }
  };
  double px[3], py[3];
  solve(bx, px);
  solve(by, py);
  return Affine{px[0], px[1], px[2], py[0], py[1], py[2]};
}

}  // namespace

Result<Registration> registerPage(GrayPage& page, const FormTemplate& form) {
  if (page.width < 64 || page.height < 64) return Status::notFound("the page is too small for a form");
  std::map<std::string, Point> found = marksOnPage(page, form);
  Registration out;
  if (!covers(found, form, false)) {
    if (!covers(found, form, true)) return Status::notFound("the form's registration marks are not on the page");
    turnUpsideDown(page);
    out.upsideDown = true;
    found = marksOnPage(page, form);
    if (!covers(found, form, false)) return Status::notFound("the form's registration marks are not on the page");
  }
  std::vector<Point> from, to;
  for (const Mark& m : form.marks) {
    from.push_back({m.x, m.y});
    to.push_back(found.at(m.corner));
  }
  auto map = fit(from, to);
  if (!map) return Status::notFound("the registration marks are in a line");
  out.toPage = *map;
  out.scale = std::hypot(map->a, map->d);
  out.skewDegrees = std::atan2(map->d, map->a) * 180 / kPi;
  const double yScale = std::hypot(map->b, map->e);
  if (out.scale < 0.5 || out.scale > 2 || yScale < 0.5 || yScale > 2 || std::fabs(out.skewDegrees) > 10) {
    return Status::notFound("the registration marks give no plausible page");
  }
  return out;
}

GrayPage sampleZone(const GrayPage& page, const Affine& toPage, const Box& box, double scale) {
  GrayPage out;
  out.width = uint32_t(std::max(1.0, std::round(box.w * scale)));
  out.height = uint32_t(std::max(1.0, std::round(box.h * scale)));
  out.pixels.assign(uint64_t{out.width} * out.height, 255);
  const auto at = [&](int x, int y) -> double {
    if (x < 0 || y < 0 || x >= int(page.width) || y >= int(page.height)) return 255;
    return page.pixels[std::size_t(y) * page.width + x];
  };
  for (uint32_t v = 0; v < out.height; ++v) {
    for (uint32_t u = 0; u < out.width; ++u) {
      const auto [px, py] = toPage.apply(box.x + (u + 0.5) / scale, box.y + (v + 0.5) / scale);
      const double fx = px - 0.5, fy = py - 0.5;
      const int x = int(std::floor(fx)), y = int(std::floor(fy));
      const double tx = fx - x, ty = fy - y;
      const double value = (at(x, y) * (1 - tx) + at(x + 1, y) * tx) * (1 - ty) +
                           (at(x, y + 1) * (1 - tx) + at(x + 1, y + 1) * tx) * ty;
      out.pixels[std::size_t(v) * out.width + u] = uint8_t(std::lround(value));
    }
  }
  return out;
}

}  // namespace renkei::forms

// Registration: where a form's template lies on a scanned page. The template's corner marks are
// found near the page's corners; which corners carry one tells a page fed upside down (turned
// back here); the marks' centres give the affine map from template pixels to page pixels, which
// absorbs shift, scale and skew. Zones are then sampled through that map.
#pragma once

#include <utility>

#include "renkei/core/status.h"
#include "renkei/forms/fax_pages.h"
#include "renkei/forms/form_template.h"

namespace renkei::forms {

/// page x = a·X + b·Y + c, page y = d·X + e·Y + f for template pixel (X, Y).
struct Affine {
  double a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;
  std::pair<double, double> apply(double x, double y) const { return {a * x + b * y + c, d * x + e * y + f}; }
};

struct Registration {
  Affine toPage;
  bool upsideDown = false;  ///< the page was turned by 180° before the map was made
  double skewDegrees = 0;
  double scale = 1;         ///< page pixels per template pixel
};

/// Finds the template's marks on `page` (turning it when it lies upside down). NotFound when the
/// marks are not there, or give a map no fax could (scale off by half, skew beyond 10°).
Result<Registration> registerPage(GrayPage& page, const FormTemplate& form);

/// The template's `box` sampled from the page through the map at `scale` output pixels per
/// template pixel (bilinear; outside the page is white).
GrayPage sampleZone(const GrayPage& page, const Affine& toPage, const Box& box, double scale);

}  // namespace renkei::forms

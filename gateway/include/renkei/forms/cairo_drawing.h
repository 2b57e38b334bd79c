// Drawing on cairo surfaces for printed sheets and forms: CJK text through pango (IPA Gothic or
// another Japanese font), QR codes through qrencode.
#pragma once

#include <string>

#include <cairo.h>

#include "renkei/core/status.h"

namespace renkei::forms {

/// Text at (x, y) in `size` user units, wrapped at `width`; returns its height. With `draw` false
/// it only measures.
double drawText(cairo_t* cr, const std::string& s, double x, double y, double width, double size, bool bold = false,
                bool draw = true);

/// The QR code of `code` with its top-left corner at (x, y), `side` units wide, a quiet zone of
/// four modules included.
Status drawQrCode(cairo_t* cr, const std::string& code, double x, double y, double side);

}  // namespace renkei::forms

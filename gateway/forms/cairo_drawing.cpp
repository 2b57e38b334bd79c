// Pango text and qrencode QR codes on cairo (see cairo_drawing.h).
#include "renkei/forms/cairo_drawing.h"

#include <pango/pangocairo.h>
#include <qrencode.h>

namespace renkei::forms {
namespace {

constexpr const char* kFont = "IPAGothic,IPAexGothic,Noto Sans CJK JP,sans-serif";

}  // namespace

double drawText(cairo_t* cr, const std::string& s, double x, double y, double width, double size, bool bold,
                bool draw) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_from_string(kFont);
  pango_font_description_set_size(font, static_cast<int>(size * PANGO_SCALE));
  if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text(layout, s.c_str(), static_cast<int>(s.size()));
  if (draw) {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
  }
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  pango_font_description_free(font);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

Status drawQrCode(cairo_t* cr, const std::string& code, double x, double y, double side) {
  QRcode* q = QRcode_encodeString(code.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (q == nullptr) return Status::internal("the QR code could not be made");
  const double module = side / (q->width + 8);  // a quiet zone of four modules each side
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, side, side);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int row = 0; row < q->width; ++row) {
    for (int col = 0; col < q->width; ++col) {
      if (q->data[row * q->width + col] & 1) {
        cairo_rectangle(cr, x + (col + 4) * module, y + (row + 4) * module, module, module);
      }
    }
  }
  cairo_fill(cr);
  QRcode_free(q);
  return Status::okStatus();
}

}  // namespace renkei::forms

// Drawing blank and filled forms with cairo (see form_renderer.h). One drawing in template
// pixels, replayed on an image surface or a PDF surface.
#include "renkei/forms/form_renderer.h"

#include <cmath>
#include <algorithm>

#include <cairo-pdf.h>
#include <cairo.h>

#include "renkei/forms/cairo_drawing.h"

namespace renkei::forms {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// pango's sizes are points at 96 dpi: the size that makes text `pixels` tall in user units.
double fontSize(double pixels) { return pixels * 72.0 / 96.0; }

std::vector<std::string> splitValues(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void frame(cairo_t* cr, const Box& b, double width) {
  cairo_set_line_width(cr, width);
  cairo_rectangle(cr, b.x, b.y, b.w, b.h);
  cairo_stroke(cr);
}

Status draw(cairo_t* cr, const FormTemplate& form, const std::map<std::string, std::string>& values,
            double valuePoints) {
  const double px = form.dpi / 72.0;  // template pixels per point
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (const Mark& m : form.marks) {
    cairo_rectangle(cr, m.x - form.markSize / 2, m.y - form.markSize / 2, form.markSize, form.markSize);
  }
  cairo_fill(cr);
  if (form.qrBox) RENKEI_RETURN_IF_ERROR(drawQrCode(cr, form.qrText(), form.qrBox->x, form.qrBox->y, form.qrBox->w));
  const Box& t = form.titleBox;
  drawText(cr, form.title, t.x, t.y + t.h * 0.1, t.w, fontSize(t.h * 0.7), true);
  for (const PrintedText& p : form.texts) {
    drawText(cr, p.text, p.x, p.y, form.width - p.x, fontSize(p.size * px), p.bold);
  }
  const double valuePixels = valuePoints * px;
  for (const FieldTemplate& f : form.fields) {
    if (f.labelBox) {
      cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
      cairo_rectangle(cr, f.labelBox->x, f.labelBox->y, f.labelBox->w, f.labelBox->h);
      cairo_fill(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      frame(cr, *f.labelBox, 2);
      const double size = std::min(f.labelBox->h * 0.45, 9 * px);
      drawText(cr, f.label, f.labelBox->x + 6, f.labelBox->y + (f.labelBox->h - size * 1.3) / 2, f.labelBox->w - 10,
               fontSize(size));
    }
    auto value = values.find(f.name);
    if (f.type == FieldType::Checkbox) {
      const std::vector<std::string> marked = value != values.end() ? splitValues(value->second) : std::vector<std::string>{};
      for (const CheckOption& o : f.options) {
        frame(cr, o.box, 2.5);
        const double size = std::min(o.box.h * 0.9, 9 * px);
        drawText(cr, o.label, o.box.x + o.box.w + 6, o.box.y + (o.box.h - size * 1.3) / 2, 400, fontSize(size));
        if (std::find(marked.begin(), marked.end(), o.value) != marked.end()) {
          cairo_set_line_width(cr, std::max(3.0, o.box.w * 0.14));  // a typed ✓ drawn as a bold X
          cairo_move_to(cr, o.box.x + o.box.w * 0.2, o.box.y + o.box.h * 0.2);
          cairo_line_to(cr, o.box.x + o.box.w * 0.8, o.box.y + o.box.h * 0.8);
          cairo_move_to(cr, o.box.x + o.box.w * 0.8, o.box.y + o.box.h * 0.2);
          cairo_line_to(cr, o.box.x + o.box.w * 0.2, o.box.y + o.box.h * 0.8);
          cairo_stroke(cr);
        }
      }
      continue;
    }
    frame(cr, f.box, 2);
    if (value == values.end() || value->second.empty()) continue;
    const double size = std::min(valuePixels, f.box.h * 0.62);
    const bool block = f.type == FieldType::FreeText || f.type == FieldType::Handwriting;
    const double top = block ? f.box.y + 8 : f.box.y + (f.box.h - size * 1.35) / 2;
    drawText(cr, value->second, f.box.x + 10, top, f.box.w - 20, fontSize(size));
  }
  return Status::okStatus();
}

cairo_status_t appendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<GrayPage> renderFormImage(const FormTemplate& form, const std::map<std::string, std::string>& values,
                                 const RenderOptions& options) {
  const int width = int(std::lround(form.width * options.scale)), height = int(std::lround(form.height * options.scale));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_translate(cr, width / 2.0 + options.shiftX, height / 2.0 + options.shiftY);
  cairo_rotate(cr, options.rotateDegrees * kPi / 180);
  cairo_scale(cr, options.scale, options.scale);
  cairo_translate(cr, -form.width / 2.0, -form.height / 2.0);
  const Status drawn = draw(cr, form, values, options.valuePoints);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  if (!drawn.ok() || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return drawn.ok() ? Status::internal("the form could not be drawn") : drawn;
  }
  GrayPage page;
  page.width = uint32_t(width);
  page.height = uint32_t(height);
  page.pixels.resize(std::size_t(width) * height);
  const unsigned char* raster = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(raster + std::size_t(y) * stride);
    for (int x = 0; x < width; ++x) {
      const uint32_t c = row[x];
      page.pixels[std::size_t(y) * width + x] =
          uint8_t((((c >> 16) & 0xFF) * 30 + ((c >> 8) & 0xFF) * 59 + (c & 0xFF) * 11) / 100);
    }
  }
  cairo_surface_destroy(surface);
  return page;
}

Result<std::string> renderBlankPdf(const FormTemplate& form) {
  std::string out;
  const double points = 72.0 / form.dpi;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(appendBytes, &out, form.width * points, form.height * points);
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, points, points);
  const Status drawn = draw(cr, form, {}, 12);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const bool failed = cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  if (!drawn.ok()) return drawn;
  if (failed) return Status::internal("the PDF could not be written");
  return out;
}

Result<std::string> encodePng(const GrayPage& page) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, int(page.width), int(page.height));
  unsigned char* raster = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (uint32_t y = 0; y < page.height; ++y) {
    auto* row = reinterpret_cast<uint32_t*>(raster + std::size_t(y) * stride);
    for (uint32_t x = 0; x < page.width; ++x) {
      const uint32_t g = page.pixels[std::size_t(y) * page.width + x];
      row[x] = (g << 16) | (g << 8) | g;
    }
  }
  cairo_surface_mark_dirty(surface);
  std::string out;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, appendBytes, &out);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return Status::internal("the PNG could not be written");
  return out;
}

}  // namespace renkei::forms

// Decoding scanned pages (see page_images.h): TIFF through fax_pages, PNG and JPEG through
// Leptonica, PDF through poppler-glib onto a cairo image surface.
#include "renkei/forms/page_images.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>

namespace renkei::forms {
namespace {

bool startsWith(const std::string& bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

Result<std::vector<GrayPage>> leptonicaPage(const std::string& bytes, const ImageLimits& limits) {
  setMsgSeverity(L_SEVERITY_NONE);
  const auto* data = reinterpret_cast<const l_uint8*>(bytes.data());
  l_int32 w = 0, h = 0, bps = 0, spp = 0;
  if (pixReadHeaderMem(data, bytes.size(), nullptr, &w, &h, &bps, &spp, nullptr) != 0 || w <= 0 || h <= 0) {
    return Status::invalidInput("the image cannot be decoded");
  }
  if (uint64_t(w) * uint64_t(h) > limits.pages.maxPixelsPerPage) {
    return Status::tooLarge("a page of " + std::to_string(w) + " × " + std::to_string(h) + " pixels");
  }
  PIX* pix = pixReadMem(data, bytes.size());
  if (pix == nullptr) return Status::invalidInput("the image cannot be decoded");
  PIX* gray = pixConvertTo8(pix, 0);
  pixDestroy(&pix);
  if (gray == nullptr) return Status::invalidInput("the image has no gray form");
  GrayPage page;
  page.width = pixGetWidth(gray);
  page.height = pixGetHeight(gray);
  page.pixels.resize(uint64_t{page.width} * page.height);
  const l_uint32* raster = pixGetData(gray);
  const l_int32 wpl = pixGetWpl(gray);
  PIXCMAP* colormap = pixGetColormap(gray);
  for (uint32_t y = 0; y < page.height; ++y) {
    const l_uint32* line = raster + y * wpl;
    for (uint32_t x = 0; x < page.width; ++x) {
      l_int32 v = GET_DATA_BYTE(line, x);
      if (colormap != nullptr) {
        l_int32 r = 0, g = 0, b = 0;
        pixcmapGetColor(colormap, v, &r, &g, &b);
        v = (r * 30 + g * 59 + b * 11) / 100;
      }
      page.pixels[uint64_t{y} * page.width + x] = static_cast<uint8_t>(v);
    }
  }
  pixDestroy(&gray);
  std::vector<GrayPage> pages;
  pages.push_back(std::move(page));
  return pages;
}

Result<std::vector<GrayPage>> pdfPages(const std::string& bytes, const ImageLimits& limits) {
  GBytes* data = g_bytes_new(bytes.data(), bytes.size());
  GError* error = nullptr;
  PopplerDocument* doc = poppler_document_new_from_bytes(data, nullptr, &error);
  g_bytes_unref(data);
  if (doc == nullptr) {
    if (error != nullptr) g_error_free(error);
    return Status::invalidInput("the PDF cannot be read");
  }
  const int count = poppler_document_get_n_pages(doc);
  Status problem = Status::okStatus();
  std::vector<GrayPage> pages;
  if (count > limits.pages.maxPages) problem = Status::tooLarge("more than " + std::to_string(limits.pages.maxPages) + " pages");
  const double scale = limits.pdfDpi / 72.0;
  for (int i = 0; problem.ok() && i < count; ++i) {
    PopplerPage* p = poppler_document_get_page(doc, i);
    double w = 0, h = 0;
    poppler_page_get_size(p, &w, &h);
    const double pw = std::ceil(w * scale), ph = std::ceil(h * scale);
    if (!(pw >= 1 && ph >= 1) || pw * ph > double(limits.pages.maxPixelsPerPage)) {
      problem = Status::tooLarge("PDF page " + std::to_string(i + 1) + " is too large");
      g_object_unref(p);
      break;
    }
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, int(pw), int(ph));
    cairo_t* cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render_for_printing(p, cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    GrayPage page;
    page.width = uint32_t(pw);
    page.height = uint32_t(ph);
    page.pixels.resize(uint64_t{page.width} * page.height);
    const unsigned char* raster = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (uint32_t y = 0; y < page.height; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(raster + std::size_t(y) * stride);
      for (uint32_t x = 0; x < page.width; ++x) {
        const uint32_t c = row[x];
        page.pixels[uint64_t{y} * page.width + x] =
            static_cast<uint8_t>((((c >> 16) & 0xFF) * 30 + ((c >> 8) & 0xFF) * 59 + (c & 0xFF) * 11) / 100);
      }
    }
    cairo_surface_destroy(surface);
    g_object_unref(p);
    pages.push_back(std::move(page));
  }
  g_object_unref(doc);
  if (!problem.ok()) return problem;
  return pages;
}

}  // namespace

Result<std::vector<GrayPage>> readPageImages(const std::string& bytes, const ImageLimits& limits) {
  if (bytes.size() > limits.maxBytes) return Status::tooLarge("the file is larger than the limit");
  Result<std::vector<GrayPage>> pages = Status::invalidInput("not a TIFF, PNG, JPEG or PDF image");
  if (startsWith(bytes, std::string_view("II*\0", 4)) || startsWith(bytes, std::string_view("MM\0*", 4))) {
    pages = readFaxPagesFromMemory(bytes, limits.pages);
  } else if (startsWith(bytes, "\x89PNG") || startsWith(bytes, "\xFF\xD8\xFF")) {
    pages = leptonicaPage(bytes, limits);
  } else if (startsWith(bytes, "%PDF-")) {
    pages = pdfPages(bytes, limits);
  }
  if (pages.ok() && pages->empty()) return Status::invalidInput("the file has no pages");
  return pages;
}

void turnUpsideDown(GrayPage& page) { std::reverse(page.pixels.begin(), page.pixels.end()); }

}  // namespace renkei::forms

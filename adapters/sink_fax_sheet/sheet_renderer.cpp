// The fax sheet's pages (see sheet_renderer.h): one drawing of every page in A4 points, replayed
// on a PDF surface and on 1-bit fax-resolution images encoded as TIFF G4.
#include "sheet_renderer.h"

#include <cstdio>
#include <functional>
#include <memory>

#include <cairo-pdf.h>
#include <cairo.h>
#include <tiffio.h>
#include <unistd.h>

#include "renkei/forms/cairo_drawing.h"

namespace renkei::adapters {
namespace {

constexpr double kPageWidth = 595.28;   // A4 in points
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 42;
constexpr double kQrSide = 84;          // about 30 mm
constexpr int kFaxWidth = 1728;         // dots: the fax standard's line
constexpr int kFaxHeight = 2292;        // 297 mm at 196 lines per inch

void rule(cairo_t* cr, double y) {
  cairo_set_line_width(cr, 0.8);
  cairo_move_to(cr, kMargin, y);
  cairo_line_to(cr, kPageWidth - kMargin, y);
  cairo_stroke(cr);
}

/// Draws every page; `nextPage` ends one (the last included). Returns the page count.
Result<int> drawPages(cairo_t* cr, const SheetContent& s, int totalPages,
                      const std::function<Status()>& nextPage) {
  const double width = kPageWidth - 2 * kMargin;
  const std::string code = replyCode(s);
  const double qrTop = kPageHeight - kMargin - kQrSide;
  int page = 1;
  auto footer = [&](const std::string& note) -> Status {
    cairo_set_source_rgb(cr, 0, 0, 0);
    forms::drawText(cr, note, kMargin, qrTop, width - kQrSide - 12, 8.5);
    forms::drawText(cr, "帳票番号 " + s.formId + "   " + std::to_string(page) + " / " + std::to_string(totalPages),
         kMargin, kPageHeight - kMargin - 12, width - kQrSide - 12, 7);
    return forms::drawQrCode(cr, code, kPageWidth - kMargin - kQrSide, qrTop, kQrSide);
  };
  // The cover page (FAX送付状).
  cairo_set_source_rgb(cr, 0, 0, 0);
  double y = kMargin;
  y += forms::drawText(cr, "FAX送付状", kMargin, y, width, 22, true) + 14;
  rule(cr, y);
  y += 10;
  const std::pair<std::string, std::string> cover[] = {
      {"宛先", s.recipient.empty() ? "ご担当者様" : s.recipient + " 様"},
      {"FAX番号", s.recipientFax},
      {"送信元", s.senderName},
      {"送信元FAX", s.senderFax},
      {"送信日時", s.sentAt},
      {"枚数", std::to_string(totalPages) + " 枚（本状を含む）"},
      {"件名", s.title}};
  for (const auto& [label, value] : cover) {
    forms::drawText(cr, label, kMargin, y, 110, 12, true);
    y += std::max(forms::drawText(cr, value, kMargin + 120, y, width - 120, 12), 16.0) + 8;
  }
  y += 10;
  rule(cr, y);
  forms::drawText(cr,
       "この送付状に続く書類には個人情報が含まれます。宛先に誤りがある場合は、読まずに送信元へご連絡のうえ"
       "破棄してください。",
       kMargin, y + 10, width, 10);
  RENKEI_RETURN_IF_ERROR(footer("返信・受領確認の際は、右のコードが読めるよう本紙または連携シートをそのまま返送してください。"));
  RENKEI_RETURN_IF_ERROR(nextPage());
  // The linkage sheet: header, fields, then the facts, continued on further pages.
  std::size_t next = 0;
  do {
    ++page;
    cairo_set_source_rgb(cr, 0, 0, 0);
    y = kMargin;
    y += forms::drawText(cr, s.title + (next > 0 ? "（続き）" : ""), kMargin, y, width, 16, true) + 8;
    rule(cr, y);
    y += 8;
    if (next == 0) {
      for (const auto& [label, value] : s.fields) {
        forms::drawText(cr, label, kMargin, y, 110, 11, true);
        y += std::max(forms::drawText(cr, value, kMargin + 120, y, width - 120, 11), 14.0) + 5;
      }
      rule(cr, y + 3);
      y += 12;
    }
    const double bottom = qrTop - 70;
    while (next < s.lines.size()) {
      // Measured first: a line that does not fit goes to the next page.
      const double h = forms::drawText(cr, s.lines[next], kMargin, y, width, 10.5, false, false);
      if (y + h > bottom && y > kMargin + 80) break;
      forms::drawText(cr, s.lines[next], kMargin, y, width, 10.5);
      y += h + 4;
      ++next;
    }
    rule(cr, bottom + 6);
    forms::drawText(cr, "受領確認：□ 受け取りました　□ 電話での連絡を希望します　　ご署名＿＿＿＿＿＿　日付＿＿＿＿",
         kMargin, bottom + 14, width, 10);
    RENKEI_RETURN_IF_ERROR(footer("ご確認後、この用紙を送信元へFAXしてください（コードで照合します。氏名の記入は不要です）。"));
    RENKEI_RETURN_IF_ERROR(nextPage());
  } while (next < s.lines.size());
  return page;
}

cairo_status_t appendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

/// Counts pages with a throwaway surface (the cover tells the total).
Result<int> countPages(const SheetContent& s) {
  cairo_surface_t* surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
  cairo_t* cr = cairo_create(surface);
  auto pages = drawPages(cr, s, 0, [&] {
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    return Status::okStatus();
  });
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return pages;
}

Result<std::string> pdfOf(const SheetContent& s, int pages) {
  std::string out;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(appendTo, &out, kPageWidth, kPageHeight);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, s.title.c_str());
  cairo_t* cr = cairo_create(surface);
  auto drawn = drawPages(cr, s, pages, [&] {
    cairo_show_page(cr);
    return Status::okStatus();
  });
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (!drawn.ok()) return drawn.status();
  if (status != CAIRO_STATUS_SUCCESS) {
    return Status::internal(std::string("the PDF could not be written: ") + cairo_status_to_string(status));
  }
  return out;
}

/// One page of the image as a 1-bit CCITT G4 TIFF directory.
Status writeFaxPage(TIFF* tiff, cairo_surface_t* image, int page, int pages) {
  TIFFSetField(tiff, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
  TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, kFaxWidth);
  TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, kFaxHeight);
  TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
  TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
  TIFFSetField(tiff, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
  TIFFSetField(tiff, TIFFTAG_XRESOLUTION, 204.0);
  TIFFSetField(tiff, TIFFTAG_YRESOLUTION, 196.0);
  TIFFSetField(tiff, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
  TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, kFaxHeight);
  TIFFSetField(tiff, TIFFTAG_PAGENUMBER, page, pages);
  cairo_surface_flush(image);
  const unsigned char* pixels = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  std::vector<unsigned char> row(kFaxWidth / 8);
  for (int y = 0; y < kFaxHeight; ++y) {
    std::fill(row.begin(), row.end(), 0);
    const auto* line = reinterpret_cast<const uint32_t*>(pixels + y * stride);
    for (int x = 0; x < kFaxWidth; ++x) {
      const uint32_t p = line[x];
      const int luminance = (((p >> 16) & 0xff) * 3 + ((p >> 8) & 0xff) * 6 + (p & 0xff)) / 10;
      if (luminance < 160) row[x / 8] |= static_cast<unsigned char>(0x80 >> (x % 8));
    }
    if (TIFFWriteScanline(tiff, row.data(), static_cast<uint32_t>(y), 0) < 0) {
      return Status::internal("a fax page could not be encoded");
    }
  }
  return TIFFWriteDirectory(tiff) ? Status::okStatus()
                                  : Status::internal("a fax page could not be written");
}

Result<std::string> tiffOf(const SheetContent& s, int pages) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::tmpfile(), &std::fclose);
  if (!file) return Status::unavailable("no temporary file for the fax image");
  // libtiff closes the descriptor it is given: it gets its own copy.
  TIFF* tiff = TIFFFdOpen(dup(fileno(file.get())), "fax.tif", "w");
  if (tiff == nullptr) return Status::internal("the fax image could not be started");
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kFaxWidth, kFaxHeight);
  cairo_t* cr = cairo_create(image);
  auto clear = [&] {
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_restore(cr);
  };
  clear();
  cairo_scale(cr, kFaxWidth / kPageWidth, kFaxHeight / kPageHeight);
  int page = 0;
  auto drawn = drawPages(cr, s, pages, [&]() -> Status {
    RENKEI_RETURN_IF_ERROR(writeFaxPage(tiff, image, page++, pages));
    clear();
    return Status::okStatus();
  });
  cairo_destroy(cr);
  cairo_surface_destroy(image);
  TIFFClose(tiff);
  if (!drawn.ok()) return drawn.status();
  std::string out;
  std::rewind(file.get());
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0;) out.append(buffer, n);
  return out;
}

}  // namespace

Result<RenderedSheet> renderSheet(const SheetContent& sheet, bool pdf, bool tiff) {
  auto pages = countPages(sheet);
  if (!pages.ok()) return pages.status();
  RenderedSheet out;
  out.pages = pages.value();
  if (pdf) {
    auto bytes = pdfOf(sheet, out.pages);
    if (!bytes.ok()) return bytes.status();
    out.pdf = std::move(bytes).value();
  }
  if (tiff) {
    auto bytes = tiffOf(sheet, out.pages);
    if (!bytes.ok()) return bytes.status();
    out.tiff = std::move(bytes).value();
  }
  return out;
}

}  // namespace renkei::adapters

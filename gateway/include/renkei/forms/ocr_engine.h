// One worker's Tesseract: a Japanese and an English-digits engine, initialised once (each Init
// costs ~130 ms) and reused for every zone. Per field type: the engine, the page-segmentation
// mode (one line, or a block for free text) and the character whitelist. Not thread-safe: one per
// worker. Tesseract's OpenMP makes it several times slower on two cores: run with
// OMP_THREAD_LIMIT=1 in the environment from the process start (renkei sets it for itself).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/fax_pages.h"
#include "renkei/forms/form_template.h"

namespace tesseract {
class TessBaseAPI;
}

namespace renkei::forms {

struct Symbol {
  std::string text;       ///< one character (UTF-8)
  int x = 0, y = 0, w = 0, h = 0;  ///< its box in the zone image
};

struct LineReading {
  std::string text;         ///< UTF-8, line breaks as spaces except in free text
  double confidence = 0;    ///< the lowest symbol confidence, 0–100 (0 when nothing was read)
  std::vector<Symbol> symbols;
};

class OcrEngine {
 public:
  /// Tesseract's data from `tessdata` ("" = the installed default); Unavailable when the
  /// languages jpn and eng are not installed.
  static Result<std::unique_ptr<OcrEngine>> open(const std::string& tessdata = "");
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  /// Reads a cleaned zone image (1 byte a pixel, `dpi` its resolution). `whitelist` overrides the
  /// type's own character set ("" keeps it).
  LineReading read(const GrayPage& zone, FieldType type, int dpi, const std::string& whitelist = "");
  /// The digits in a part of a zone image, read by the digits engine alone (a second model's
  /// opinion on the digits the Japanese engine read).
  std::string readDigits(const GrayPage& zone, int x, int y, int w, int h, int dpi);

 private:
  OcrEngine();
  /// `mode`: a tesseract::PageSegMode.
  LineReading recognise(const GrayPage& zone, FieldType type, int dpi, const std::string& whitelist, int mode);
  std::unique_ptr<tesseract::TessBaseAPI> japanese_;
  std::unique_ptr<tesseract::TessBaseAPI> digits_;
};

/// The characters a type's reading is limited to ("" = any).
std::string typeWhitelist(FieldType type);

}  // namespace renkei::forms

// Tesseract through its C++ API (see ocr_engine.h).
#include "renkei/forms/ocr_engine.h"

#include <algorithm>
#include <cstdlib>

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

namespace renkei::forms {
namespace {

bool usesDigitsEngine(FieldType type) {
  return type == FieldType::Digits || type == FieldType::Phone || type == FieldType::Date;
}

Status start(tesseract::TessBaseAPI& api, const std::string& tessdata, const char* language) {
  try {
    if (api.Init(tessdata.empty() ? nullptr : tessdata.c_str(), language, tesseract::OEM_LSTM_ONLY) != 0) {
      return Status::unavailable(std::string("Tesseract has no '") + language +
                                 "' data (Debian: tesseract-ocr-" + language + ")");
    }
  } catch (const std::exception& e) {
    return Status::unavailable(std::string("Tesseract failed to start: ") + e.what());
  }
  api.SetVariable("debug_file", "/dev/null");
  api.SetVariable("user_defined_dpi", "300");
  return Status::okStatus();
}

}  // namespace

std::string typeWhitelist(FieldType type) {
  switch (type) {
    case FieldType::Digits: return "0123456789";
    case FieldType::Phone: return "0123456789-()";
    case FieldType::Date: return "0123456789/-.";
    case FieldType::WarekiDate: return "令和平成昭和大正明治元年月日0123456789RHSTM./-";
    case FieldType::Kana:
      return "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
             "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポァィゥェォッャュョヮヴー";
    default: return "";
  }
}

OcrEngine::OcrEngine()
    : japanese_(std::make_unique<tesseract::TessBaseAPI>()), digits_(std::make_unique<tesseract::TessBaseAPI>()) {}

OcrEngine::~OcrEngine() {
  japanese_->End();
  digits_->End();
}

Result<std::unique_ptr<OcrEngine>> OcrEngine::open(const std::string& tessdata) {
  std::unique_ptr<OcrEngine> engine(new OcrEngine());
  RENKEI_RETURN_IF_ERROR(start(*engine->japanese_, tessdata, "jpn"));
  RENKEI_RETURN_IF_ERROR(start(*engine->digits_, tessdata, "eng"));
  return engine;
}

LineReading OcrEngine::read(const GrayPage& zone, FieldType type, int dpi, const std::string& whitelist) {
  return recognise(zone, type, dpi, whitelist,
                   type == FieldType::FreeText ? tesseract::PSM_SINGLE_BLOCK : tesseract::PSM_SINGLE_LINE);
}

LineReading OcrEngine::recognise(const GrayPage& zone, FieldType type, int dpi, const std::string& whitelist,
                                 int mode) {
  tesseract::TessBaseAPI& api = usesDigitsEngine(type) ? *digits_ : *japanese_;
  const std::string chars = whitelist.empty() ? typeWhitelist(type) : whitelist;
  api.SetVariable("tessedit_char_whitelist", chars.c_str());
  api.SetPageSegMode(static_cast<tesseract::PageSegMode>(mode));
  api.SetImage(zone.pixels.data(), int(zone.width), int(zone.height), 1, int(zone.width));
  api.SetSourceResolution(dpi);
  LineReading out;
  if (api.Recognize(nullptr) != 0) return out;
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  if (text != nullptr) out.text = text.get();
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == ' ')) out.text.pop_back();
  if (type != FieldType::FreeText) {
    for (char& c : out.text) {
      if (c == '\n') c = ' ';
    }
  }
  double lowest = 100;
  bool any = false;
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (it != nullptr) {
    do {
      const float c = it->Confidence(tesseract::RIL_SYMBOL);
      if (c >= 0) {
        lowest = std::min<double>(lowest, c);
        any = true;
      }
      std::unique_ptr<char[]> symbol(it->GetUTF8Text(tesseract::RIL_SYMBOL));
      int left = 0, top = 0, right = 0, bottom = 0;
      if (symbol != nullptr && it->BoundingBox(tesseract::RIL_SYMBOL, &left, &top, &right, &bottom)) {
        out.symbols.push_back({symbol.get(), left, top, right - left, bottom - top});
      }
    } while (it->Next(tesseract::RIL_SYMBOL));
  }
  out.confidence = any && !out.text.empty() ? lowest : 0;
  api.Clear();
  return out;
}

std::string OcrEngine::readDigits(const GrayPage& zone, int x, int y, int w, int h, int dpi) {
  x = std::max(0, x), y = std::max(0, y);
  w = std::min(w, int(zone.width) - x), h = std::min(h, int(zone.height) - y);
  if (w <= 0 || h <= 0) return "";
  constexpr int kPad = 10;
  GrayPage part;
  part.width = uint32_t(w + 2 * kPad);
  part.height = uint32_t(h + 2 * kPad);
  part.pixels.assign(std::size_t(part.width) * part.height, 255);
  for (int row = 0; row < h; ++row) {
    std::copy_n(zone.pixels.begin() + std::size_t(y + row) * zone.width + x, w,
                part.pixels.begin() + std::size_t(row + kPad) * part.width + kPad);
  }
  return recognise(part, FieldType::Digits, dpi, "", tesseract::PSM_SINGLE_WORD).text;
}

}  // namespace renkei::forms

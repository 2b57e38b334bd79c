// A page the machine could not identify (no QR code, no title it could read), read again as the
// form a reviewer names: the review page's own Tesseract (opened on first use, one page at a time,
// never for a page image the store does not hold) reads the stored image as that form, and the
// fields appear to be confirmed like any other. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "renkei/core/status.h"
#include "renkei/forms/form_reader.h"
#include "renkei/forms/ocr_engine.h"

namespace renkei::adapters {

class PageRereader {
 public:
  PageRereader(const forms::FormSet& forms, std::string tessdata) : forms_(forms), tessdata_(std::move(tessdata)) {}

  /// Page `page` (1-based) of the fax `image` read as `formId`; InvalidInput for a form not
  /// known or a page the image does not have, Unavailable when Tesseract cannot be opened.
  Result<forms::PageReading> read(const std::string& image, int page, const std::string& formId);

 private:
  const forms::FormSet& forms_;
  std::string tessdata_;
  std::mutex mutex_;
  std::unique_ptr<forms::OcrEngine> engine_;
};

}  // namespace renkei::adapters

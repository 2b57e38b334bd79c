// Document construction and issue location.
#include "renkei/fhir/document.h"

namespace renkei::fhir {

Document::Document(SourceFormat format, std::string text)
    : format_(format), text_(std::move(text)), arena_(text_.size() * 3 + 4096) {}

TextPosition Document::position(uint32_t offset) const {
  if (!linesReady_.load(std::memory_order_acquire)) {
    std::lock_guard lock(linesMutex_);
    if (!linesReady_.load(std::memory_order_relaxed)) {
      lines_ = LineIndex(text_);
      linesReady_.store(true, std::memory_order_release);
    }
  }
  if (format_ == SourceFormat::Xml && offset > 0 && offset <= text_.size() &&
      text_[offset - 1] == '>') {
    // XML offsets point just past a start tag: report where the tag begins.
    std::size_t lt = text_.rfind('<', offset - 1);
    if (lt != std::string::npos) offset = static_cast<uint32_t>(lt);
  }
  return lines_.position(offset);
}

void Document::locate(std::vector<Issue>& issues) const {
  for (Issue& i : issues) {
    if (i.offset == kNoOffset || i.line != 0) continue;
    TextPosition p = position(i.offset);
    i.line = p.line;
    i.column = p.column;
  }
}

}  // namespace renkei::fhir

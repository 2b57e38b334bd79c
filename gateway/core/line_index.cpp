// Line-start table built with memchr; lookups are a binary search.
#include "renkei/core/line_index.h"

#include <algorithm>
#include <cstring>

namespace renkei {

LineIndex::LineIndex(std::string_view text) : text_(text) {
  lineStarts_.reserve(text.size() / 24 + 8);  // a guess at the line count, to grow rarely
  lineStarts_.push_back(0);
  const char* base = text.data();
  const char* p = base;
  const char* end = base + text.size();
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (nl == nullptr) break;
    p = static_cast<const char*>(nl) + 1;
    lineStarts_.push_back(static_cast<uint32_t>(p - base));
  }
}

TextPosition LineIndex::position(std::size_t offset) const {
  if (lineStarts_.empty()) return {};
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), static_cast<uint32_t>(offset));
  std::size_t line = static_cast<std::size_t>(it - lineStarts_.begin());
  std::size_t start = lineStarts_[line - 1];
  uint32_t column = 1;
  for (std::size_t i = start; i < offset; ++i) {
    // Count code points: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  }
  return {static_cast<uint32_t>(line), column};
}

}  // namespace renkei

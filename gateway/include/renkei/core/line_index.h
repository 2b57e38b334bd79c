// Maps byte offsets in a source text to 1-based line and column numbers for error reports.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace renkei {

struct TextPosition {
  uint32_t line = 0;    ///< 1-based; 0 when unknown
  uint32_t column = 0;  ///< 1-based, counted in Unicode code points
};

class LineIndex {
 public:
  LineIndex() = default;
  /// Records where every line starts; `text` must outlive position lookups.
  explicit LineIndex(std::string_view text);
  TextPosition position(std::size_t offset) const;
  bool empty() const { return text_.empty(); }

 private:
  std::string_view text_;
  std::vector<uint32_t> lineStarts_;
};

}  // namespace renkei

// ASCII-only text helpers for protocol tokens (encodings, keywords), where Unicode case rules
// must not apply.
#pragma once

#include <string_view>
#include <vector>

namespace renkei {

inline char asciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Equal when compared with ASCII letters folded to lower case.
inline bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}

/// The parts of `text` between `delimiter`s (n delimiters give n + 1 parts, empty ones included).
inline std::vector<std::string_view> splitOn(std::string_view text, char delimiter) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == delimiter) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace renkei

// ASCII-only text helpers for protocol tokens (encodings, keywords), where Unicode case rules
// must not apply.
#pragma once

#include <string_view>

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

}  // namespace renkei

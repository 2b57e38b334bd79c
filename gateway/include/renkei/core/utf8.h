// UTF-8 validation for whole inputs (fast path for ASCII), used before parsers that would
// otherwise check byte by byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace renkei {

/// True when any of the 8 bytes packed in `w` is below 0x20 (a C0 control character).
inline bool anyControlByte(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  return ((w - kOnes * 0x20) & ~w & kHigh) != 0;
}

/// Offset of the first byte that is not valid UTF-8 (overlongs, surrogates and code points above
/// U+10FFFF included), or npos when the whole text is valid.
std::size_t firstInvalidUtf8(std::string_view text);

}  // namespace renkei

// rapidjson Writers (compact and pretty) through which every JSON text the gateway writes goes.
// rapidjson's own SIMD scan lets the control characters 0x1A-0x1F through unescaped in strings of
// 16 bytes or more, which is not JSON; these escape every control character. They also copy
// strings in runs, eight bytes tested at a time (rapidjson escapes byte by byte below 16 bytes),
// which made JSON writing a visible share of mapping Bundles full of short Japanese strings.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace renkei::fhir {

/// Whether none of the 8 bytes at `s` needs an escape (a control character, '"' or '\\'),
/// tested all at once; a true answer is exact, a false one only sends the bytes the slow way.
inline bool plainJsonWord(const char* s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  std::uint64_t v;
  std::memcpy(&v, s, sizeof v);
  auto below = [](std::uint64_t x, unsigned n) { return (x - kOnes * n) & ~x & kHighs; };
  return (below(v, 0x20) | below(v ^ (kOnes * '"'), 1) | below(v ^ (kOnes * '\\'), 1)) == 0;
}

/// `s` as a quoted JSON string: plain runs copied, the rest escaped as rapidjson::Writer does
/// (\" \\ \b \f \n \r \t, \u00XX in capitals for other control characters).
inline void writeJsonStringRuns(rapidjson::StringBuffer& out, const char* s, rapidjson::SizeType n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto plain = [](unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; };
  out.Reserve(2 + static_cast<std::size_t>(n) * 6);
  out.PutUnsafe('"');
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j + 8 <= n && plainJsonWord(s + j)) j += 8;
    while (j < n && plain(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) std::memcpy(out.PushUnsafe(j - i), s + i, j - i);
    if (j == n) break;
    const unsigned char c = static_cast<unsigned char>(s[j]);
    out.PutUnsafe('\\');
    switch (c) {
      case '"': out.PutUnsafe('"'); break;
      case '\\': out.PutUnsafe('\\'); break;
      case '\b': out.PutUnsafe('b'); break;
      case '\f': out.PutUnsafe('f'); break;
      case '\n': out.PutUnsafe('n'); break;
      case '\r': out.PutUnsafe('r'); break;
      case '\t': out.PutUnsafe('t'); break;
      default:
        out.PutUnsafe('u');
        out.PutUnsafe('0');
        out.PutUnsafe('0');
        out.PutUnsafe(kHex[c >> 4]);
        out.PutUnsafe(kHex[c & 0xF]);
    }
    i = j + 1;
  }
  out.PutUnsafe('"');
}

/// A rapidjson writer (`Base`: Writer or PrettyWriter) whose strings and keys are written by
/// writeJsonStringRuns.
template <typename Base, bool kPretty>
class RunCopying : public Base {
 public:
  using Base::Base;

  bool String(const char* s, rapidjson::SizeType n, bool = false) {
    if constexpr (kPretty) {
      this->PrettyPrefix(rapidjson::kStringType);
    } else {
      this->Prefix(rapidjson::kStringType);
    }
    writeJsonStringRuns(*this->os_, s, n);
    return this->EndValue(true);
  }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(std::strlen(s))); }
  bool String(const std::string& s) { return String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  bool Key(const char* s) { return String(s); }
  bool Key(const std::string& s) { return String(s); }
};

using RunCopyingWriter = RunCopying<rapidjson::Writer<rapidjson::StringBuffer>, false>;
using RunCopyingPrettyWriter = RunCopying<rapidjson::PrettyWriter<rapidjson::StringBuffer>, true>;

}  // namespace renkei::fhir

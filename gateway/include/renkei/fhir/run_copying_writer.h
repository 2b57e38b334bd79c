// A compact rapidjson Writer that copies strings and keys in runs. rapidjson escapes byte by byte
// (its SIMD scan only takes strings of 16 bytes or more), which made JSON writing a visible share
// of mapping and normalizing Bundles full of short Japanese strings. Strings are scanned eight
// bytes at a time. The escapes are rapidjson::Writer's (\" \\ \b \f \n \r \t, \u00XX in capitals
// for other control characters), everything else copied as is; unlike rapidjson's SSE4.2 scan,
// which lets 0x1A-0x1F through in long strings, every control character is escaped.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace renkei::fhir {

class RunCopyingWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Base = rapidjson::Writer<rapidjson::StringBuffer>;
  using Base::Base;

  bool String(const char* s, rapidjson::SizeType n, bool = false) {
    Prefix(rapidjson::kStringType);
    return EndValue(writeRuns(s, n));
  }
  bool String(const char* s) { return String(s, static_cast<rapidjson::SizeType>(std::strlen(s))); }
  bool String(const std::string& s) { return String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy = false) { return String(s, n, copy); }
  bool Key(const char* s) { return String(s); }
  bool Key(const std::string& s) { return String(s); }

 private:
  static bool plain(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\'; }

  /// Whether none of the 8 bytes at `s` needs an escape (a control character, '"' or '\\'),
  /// tested all at once; a true answer is exact, a false one only sends the bytes the slow way.
  static bool plainWord(const char* s) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
    std::uint64_t v;
    std::memcpy(&v, s, sizeof v);
    auto below = [](std::uint64_t x, unsigned n) { return (x - kOnes * n) & ~x & kHighs; };
    return (below(v, 0x20) | below(v ^ (kOnes * '"'), 1) | below(v ^ (kOnes * '\\'), 1)) == 0;
  }

  bool writeRuns(const char* s, rapidjson::SizeType n) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    rapidjson::StringBuffer& out = *os_;
    out.Reserve(2 + static_cast<std::size_t>(n) * 6);
    out.PutUnsafe('"');
    std::size_t i = 0;
    while (i < n) {
      std::size_t j = i;
      while (j + 8 <= n && plainWord(s + j)) j += 8;
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
    return true;
  }
};

}  // namespace renkei::fhir

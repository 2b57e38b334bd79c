// Byte-level scanning for the XML subset scanners.
#include "xml_lexer.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace renkei::fhir::xmllex {
namespace {

// Index of the first byte of class kSpecial at or after i (n when none).
std::size_t nextSpecial(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  const __m128i lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'), rb = _mm_set1_epi8(']');
  const __m128i dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\''), gt = _mm_set1_epi8('>');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  const __m128i tab = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Control characters other than tab, newline and carriage return (those are whitespace):
    // unsigned v <= 0x1F  <=>  min(v, 0x1F) == v.
    __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)));
    __m128i hit = _mm_andnot_si128(ws, _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, rb), _mm_cmpeq_epi8(v, gt)));
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, sq)));
    int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  while (i < n && kClasses[p[i]] != kSpecial) ++i;
  return i;
}

void appendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::size_t reference(std::string_view s, std::size_t i, std::string* decoded) {
  std::size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 12) return 0;
  std::string_view ref = s.substr(i + 1, semi - i - 1);
  char simple = ref == "amp" ? '&' : ref == "lt" ? '<' : ref == "gt" ? '>' : ref == "quot" ? '"'
                : ref == "apos" ? '\'' : '\0';
  if (simple != '\0') {
    if (decoded) *decoded += simple;
    return semi - i + 1;
  }
  if (ref.size() < 2 || ref[0] != '#') return 0;
  uint32_t cp = 0;
  bool hex = ref[1] == 'x';
  std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty()) return 0;
  for (char c : digits) {
    int d = (c >= '0' && c <= '9') ? c - '0'
            : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                            : -1;
    if (d < 0) return 0;
    cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    if (cp > 0x10FFFF) return 0;
  }
  bool legal = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
               (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
  if (!legal) return 0;
  if (decoded) appendUtf8(cp, *decoded);
  return semi - i + 1;
}

bool run(std::string_view s, std::size_t& i, char stop, bool& sawContent) {
  const std::size_t n = s.size();
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < n) {
    // Leading whitespace decides nothing; after the first visible byte only specials matter.
    if (!sawContent) {
      while (i < n && kClasses[p[i]] == kSpace) ++i;
      if (i < n && kClasses[p[i]] == kPlain) sawContent = true;
    }
    i = nextSpecial(p, i, n);
    if (i >= n) return true;
    unsigned char c = p[i];
    if (c == static_cast<unsigned char>(stop)) return true;
    if (c == '"' || c == '\'') {  // the other quote: ordinary content
      sawContent = true;
      ++i;
      continue;
    }
    if (c == '>') {  // legal in text, but libxml2 decides whether "]]>" precedes it
      sawContent = true;
      if (i >= 2 && p[i - 1] == ']' && p[i - 2] == ']') return false;
      ++i;
      continue;
    }
    if (c == '<') return false;
    if (c == '&') {
      std::size_t len = reference(s, i, nullptr);
      if (len == 0) return false;
      sawContent = true;
      i += len;
      continue;
    }
    if (c == ']') {
      sawContent = true;
      ++i;
      continue;
    }
    return false;  // a control character
  }
  return true;
}

std::size_t name(std::string_view s, std::size_t i, std::size_t* colon) {
  *colon = std::string_view::npos;
  if (i >= s.size() || !isNameStart(s[i])) return 0;
  std::size_t j = i + 1;
  for (;;) {
    while (j < s.size() && isNameChar(s[j])) ++j;
    if (j < s.size() && s[j] == ':' && *colon == std::string_view::npos && j + 1 < s.size() &&
        isNameStart(s[j + 1])) {
      *colon = j - i;
      ++j;
      continue;
    }
    break;
  }
  return j - i;
}

std::size_t commentEnd(std::string_view s, std::size_t i) {
  std::size_t end = s.find("--", i + 4);
  if (end == std::string_view::npos || s.compare(end, 3, "-->") != 0) return std::string_view::npos;
  for (std::size_t k = i + 4; k < end; ++k) {
    unsigned char c = static_cast<unsigned char>(s[k]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return std::string_view::npos;
  }
  return end + 3;
}

bool hasXmlNonCharacters(std::string_view s) {
  for (std::size_t i = s.find('\xEF'); i != std::string_view::npos; i = s.find('\xEF', i + 1)) {
    if (i + 2 < s.size() && s[i + 1] == '\xBF' && (s[i + 2] == '\xBE' || s[i + 2] == '\xBF')) {
      return true;
    }
  }
  return false;
}

void attributeValue(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size();) {
    char c = raw[i];
    if (c == '&') {
      i += reference(raw, i, &out);
      continue;
    }
    if (c == '\r') {
      out += ' ';
      i += (i + 1 < raw.size() && raw[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    out += (c == '\n' || c == '\t') ? ' ' : c;
    ++i;
  }
}

}  // namespace renkei::fhir::xmllex

// Comparison keys for patient matching, built on ICU normalization and transliteration.
#include "renkei/matching/match_keys.h"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace renkei::matching {
namespace {

icu::UnicodeString nfkc(std::string_view text) {
  icu::UnicodeString s =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return s;
  icu::UnicodeString out = normalizer->normalize(s, status);
  return U_SUCCESS(status) ? out : s;
}

void toHiragana(icu::UnicodeString& s) {
  // Transliterators are not shared between threads: one per thread, made on first use.
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Katakana-Hiragana", UTRANS_FORWARD, status));
    return U_SUCCESS(status) ? std::move(t) : nullptr;
  }();
  if (transliterator) transliterator->transliterate(s);
}

/// One hiragana code point folded for matching; 0 when it is dropped.
UChar32 foldKana(UChar32 c) {
  switch (c) {
    case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049:  // ぁぃぅぇぉ
    case 0x3063: case 0x3083: case 0x3085: case 0x3087: case 0x308E:  // っゃゅょゎ
      return c + 1;
    case 0x3095: return 0x304B;  // ゕ → か
    case 0x3096: return 0x3051;  // ゖ → け
    case 0x3094: return 0x3076;  // ゔ → ぶ
    case 0x3062: return 0x3058;  // ぢ → じ
    case 0x3065: return 0x305A;  // づ → ず
    case 0x3092: return 0x304A;  // を → お
    case 0x30FC: case 0x30FB: case 0x00B7: case 0x002E: return 0;  // ー ・ · .
    default: return u_isUWhiteSpace(c) ? 0 : c;
  }
}

bool isHiragana(UChar32 c) { return c >= 0x3041 && c <= 0x309F; }

/// Variant kanji in names and the form most systems use.
constexpr std::array<std::pair<char32_t, char32_t>, 30> kKanjiVariants = {{
    {U'髙', U'高'}, {U'﨑', U'崎'}, {U'嵜', U'崎'}, {U'邊', U'辺'}, {U'邉', U'辺'}, {U'齋', U'斎'},
    {U'齊', U'斉'}, {U'澤', U'沢'}, {U'濱', U'浜'}, {U'國', U'国'}, {U'櫻', U'桜'}, {U'廣', U'広'},
    {U'嶋', U'島'}, {U'嶌', U'島'}, {U'槇', U'槙'}, {U'籠', U'篭'}, {U'實', U'実'}, {U'惠', U'恵'},
    {U'德', U'徳'}, {U'眞', U'真'}, {U'與', U'与'}, {U'藏', U'蔵'}, {U'圓', U'円'}, {U'萬', U'万'},
    {U'壽', U'寿'}, {U'條', U'条'}, {U'瀨', U'瀬'}, {U'冨', U'富'}, {U'邨', U'村'}, {U'龜', U'亀'},
}};

std::string utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

std::string kanaKey(std::string_view kana) {
  icu::UnicodeString s = nfkc(kana);
  toHiragana(s);
  icu::UnicodeString out;
  bool anyKana = false;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    const UChar32 folded = foldKana(c);
    if (folded == 0) continue;
    anyKana |= isHiragana(folded);
    out.append(folded);
  }
  return anyKana ? utf8(out) : std::string();
}

std::string kanjiKey(std::string_view name) {
  icu::UnicodeString s = nfkc(name);
  icu::UnicodeString out;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c) || c == 0x30FB) continue;
    for (const auto& [variant, common] : kKanjiVariants) {
      if (static_cast<char32_t>(c) == variant) c = static_cast<UChar32>(common);
    }
    out.append(c);
  }
  return utf8(out);
}

std::string digitsKey(std::string_view text) {
  const std::string normalized = utf8(nfkc(text));
  std::string out;
  for (char c : normalized) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

bool looksMasked(std::string_view name) {
  const icu::UnicodeString s = nfkc(name);
  int letters = 0;
  int others = 0;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0x25CF || c == 0x25CB || c == 0x25EF || c == 0x3007 || c == '*' || c == 0x00D7 || c == 0x25A0) {
      return true;  // ● ○ ◯ 〇 (a ○ as OCR reads it) * × ■
    }
    if (u_isUWhiteSpace(c) || c == '.' || c == 0x30FB || c == 0xFF65) continue;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      ++letters;
    } else {
      ++others;
    }
  }
  return others == 0 && letters > 0 && letters <= 3;
}

std::u32string codePoints(std::string_view text) {
  // Decoded by hand: it runs for every pair of differing names a match compares. Bytes that do
  // not form UTF-8 come out one code point each.
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (length == 1 || i + static_cast<std::size_t>(length) > text.size()) {
      out += static_cast<char32_t>(c);
      ++i;
      continue;
    }
    char32_t cp = c & (0x7F >> length);
    for (int k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0x3F);
    out += cp;
    i += static_cast<std::size_t>(length);
  }
  return out;
}

int editDistance(std::u32string_view a, std::u32string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<int> previous(static_cast<std::size_t>(m) + 1);
  std::vector<int> current(static_cast<std::size_t>(m) + 1);
  for (int j = 0; j <= m; ++j) previous[static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= n; ++i) {
    current[0] = i;
    int rowBest = current[0];
    for (int j = 1; j <= m; ++j) {
      const int substitute = previous[static_cast<std::size_t>(j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[static_cast<std::size_t>(j)] =
          std::min({previous[static_cast<std::size_t>(j)] + 1, current[static_cast<std::size_t>(j - 1)] + 1, substitute});
      rowBest = std::min(rowBest, current[static_cast<std::size_t>(j)]);
    }
    if (rowBest > limit) return limit + 1;
    std::swap(previous, current);
  }
  return std::min(previous[static_cast<std::size_t>(m)], limit + 1);
}

}  // namespace renkei::matching

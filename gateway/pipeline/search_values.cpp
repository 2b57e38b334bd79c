// Search text normalization (ICU Normalizer2 and transliterator).
#include "renkei/pipeline/search_values.h"

#include <memory>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace renkei::pipeline {
std::string normalizeName(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (U_SUCCESS(status)) s = nfkc->normalize(s, status);
  thread_local std::unique_ptr<icu::Transliterator> toHiragana = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Katakana-Hiragana", UTRANS_FORWARD, st));
    return U_SUCCESS(st) ? std::move(t) : nullptr;
  }();
  if (toHiragana) toHiragana->transliterate(s);
  s.toLower();
  icu::UnicodeString compact;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    if (!u_isUWhiteSpace(c) && c != 0x30FB /* ・ */) compact.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  compact.toUTF8String(out);
  return out;
}

}  // namespace renkei::pipeline

// ICU text operations for the mapping transforms; ICU errors become statuses.
#include "icu_text.h"

#include <cctype>
#include <map>
#include <memory>

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "renkei/core/utf8.h"

namespace renkei::mapping::text {
namespace {

std::string toUtf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

icu::UnicodeString fromUtf8(std::string_view value) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(value.data(), static_cast<int32_t>(value.size())));
}

/// Printable ASCII (and tab): NFKC leaves it as it is, and most vendor columns are codes and numbers.
bool plainAscii(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) >= 0x7f || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) return false;
  }
  return true;
}

}  // namespace

Status requireUtf8(std::string_view value) {
  if (firstInvalidUtf8(value) != std::string_view::npos) return Status::invalidInput("not valid UTF-8");
  return {};
}

Result<std::string> nfkc(std::string_view value) {
  if (plainAscii(value)) return std::string(value);
  RENKEI_RETURN_IF_ERROR(requireUtf8(value));
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCInstance(error);
  if (U_FAILURE(error)) return Status::internal(std::string("ICU NFKC: ") + u_errorName(error));
  icu::UnicodeString out = normalizer->normalize(fromUtf8(value), error);
  if (U_FAILURE(error)) return Status::internal(std::string("ICU NFKC: ") + u_errorName(error));
  return toUtf8(out);
}

bool containsAnyIn(std::string_view value, char32_t first, char32_t last) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(value.data());
  const auto length = static_cast<int32_t>(value.size());
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= static_cast<UChar32>(first) && c <= static_cast<UChar32>(last)) return true;
  }
  return false;
}

Result<std::string> transliterate(const char* id, std::string_view value) {
  RENKEI_RETURN_IF_ERROR(requireUtf8(value));
  thread_local std::map<std::string, std::unique_ptr<icu::Transliterator>> cache;
  auto it = cache.find(id);
  if (it == cache.end()) {
    UErrorCode error = U_ZERO_ERROR;
    UParseError parseError;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, parseError, error));
    if (U_FAILURE(error) || t == nullptr) {
      return Status::internal(std::string("ICU transliterator ") + id + ": " + u_errorName(error));
    }
    it = cache.emplace(id, std::move(t)).first;
  }
  icu::UnicodeString s = fromUtf8(value);
  it->second->transliterate(s);
  return toUtf8(s);
}

Result<std::string> toUpper(std::string_view value) {
  if (plainAscii(value)) {
    std::string out(value);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
  RENKEI_RETURN_IF_ERROR(requireUtf8(value));
  icu::UnicodeString s = fromUtf8(value);
  s.toUpper(icu::Locale::getRoot());
  return toUtf8(s);
}

}  // namespace renkei::mapping::text

// CP932 encoding through ICU's windows-31j converter without fallbacks, after the JIS → Microsoft
// equivalences of cp932.h.
#include "cp932.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <cstdio>
#include <memory>

namespace renkei::adapters {
namespace {

std::string codePointName(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

/// The first code point ICU cannot map: what a converter with the STOP callback refused.
UChar32 firstUnmappable(UConverter* conv, const icu::UnicodeString& text) {
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    UChar one[2];
    int32_t length = 0;
    U16_APPEND_UNSAFE(one, length, c);
    char out[8];
    UErrorCode status = U_ZERO_ERROR;
    ucnv_reset(conv);
    ucnv_fromUChars(conv, out, sizeof out, one, length, &status);
    if (U_FAILURE(status)) return c;
  }
  return 0xFFFD;
}

/// This thread's converter (a sink renders a message row by row), without fallbacks and stopping
/// at the first character it cannot map; null when ICU has none.
UConverter* threadConverter() {
  using Owned = std::unique_ptr<UConverter, void (*)(UConverter*)>;
  thread_local Owned conv = [] {
    UErrorCode status = U_ZERO_ERROR;
    UConverter* c = ucnv_open("windows-31j", &status);
    if (U_FAILURE(status)) return Owned(nullptr, ucnv_close);
    ucnv_setFallback(c, false);
    ucnv_setFromUCallBack(c, UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
    return Owned(c, ucnv_close);
  }();
  return conv.get();
}

}  // namespace

Result<std::string> toCp932(std::string_view utf8) {
  UConverter* conv = threadConverter();
  if (conv == nullptr) return Status::unavailable("ICU has no windows-31j converter");
  ucnv_reset(conv);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  for (const auto& [received, cp932] : kCp932Equivalences) {
    text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(received)),
                        icu::UnicodeString(static_cast<UChar32>(cp932)));
  }
  std::string out(static_cast<std::size_t>(text.length()) * 2 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()),
                                    text.getBuffer(), text.length(), &status);
  if (U_FAILURE(status)) {
    return Status::invalidInput("character " + codePointName(firstUnmappable(conv, text)) +
                                " has no CP932 form");
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace renkei::adapters

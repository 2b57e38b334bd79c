// ISO-2022-JP through CP932 and CP932 through ICU's windows-31j converter.
#include "text_decoding.h"

#include <memory>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

namespace renkei::hl7v2 {

Result<std::string> decodeCp932(std::string_view bytes) {
  // One converter per thread, reset for each message: opening one costs more than decoding a
  // message of a few hundred bytes.
  thread_local std::unique_ptr<UConverter, void (*)(UConverter*)> converter(nullptr, ucnv_close);
  UErrorCode error = U_ZERO_ERROR;
  if (!converter) {
    converter.reset(ucnv_open("windows-31j", &error));
    if (U_FAILURE(error)) return Status::internal(std::string("ICU windows-31j: ") + u_errorName(error));
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  }
  ucnv_resetToUnicode(converter.get());
  std::u16string units(bytes.size() + 1, u'\0');
  const int32_t n = ucnv_toUChars(converter.get(), units.data(), static_cast<int32_t>(units.size()), bytes.data(),
                                  static_cast<int32_t>(bytes.size()), &error);
  if (U_FAILURE(error)) return Status::invalidInput("bytes that are not CP932 (Windows-31J)");
  // At most three UTF-8 bytes for each UTF-16 unit (a pair's four bytes are two units' six).
  std::string out(static_cast<std::size_t>(n) * 3, '\0');
  int32_t length = 0;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &length, reinterpret_cast<const UChar*>(units.data()), n,
              &error);
  if (U_FAILURE(error)) return Status::invalidInput("text that cannot be written as UTF-8");
  out.resize(static_cast<std::size_t>(length));
  return out;
}

Result<std::string> decodeIso2022Jp(std::string_view bytes) {
  enum class Mode { Ascii, TwoByte, Katakana } mode = Mode::Ascii;
  std::string sjis;
  sjis.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == 0x1B) {
      const std::string_view seq = bytes.substr(i + 1, 2);
      if (seq == "$B" || seq == "$@") {
        mode = Mode::TwoByte;
      } else if (seq == "(B" || seq == "(J") {
        mode = Mode::Ascii;
      } else if (seq == "(I") {
        mode = Mode::Katakana;
      } else {
        return Status::invalidInput("an ISO-2022-JP escape sequence that is not known at byte " + std::to_string(i));
      }
      i += 2;
      continue;
    }
    if (c == '\r' || c == '\n') {  // a line end returns to ASCII
      mode = Mode::Ascii;
      sjis += static_cast<char>(c);
      continue;
    }
    if (mode == Mode::Ascii || c >= 0x80) {
      sjis += static_cast<char>(c);
    } else if (mode == Mode::Katakana) {
      if (c < 0x21 || c > 0x5F) return Status::invalidInput("a half-width katakana byte out of range at byte " + std::to_string(i));
      sjis += static_cast<char>(c + 0x80);
    } else {
      if (i + 1 >= bytes.size()) return Status::invalidInput("a two-byte character cut short at byte " + std::to_string(i));
      const auto c2 = static_cast<unsigned char>(bytes[i + 1]);
      if (c < 0x21 || c > 0x7E || c2 < 0x21 || c2 > 0x7E) {
        return Status::invalidInput("a JIS X 0208 code out of range at byte " + std::to_string(i));
      }
      // JIS row/cell → Shift_JIS: two rows share a lead byte.
      const unsigned lead = ((c + 1) >> 1) + (c < 0x5F ? 0x70 : 0xB0);
      const unsigned trail = (c & 1) != 0 ? c2 + (c2 < 0x60 ? 0x1F : 0x20) : c2 + 0x7E;
      sjis += static_cast<char>(lead);
      sjis += static_cast<char>(trail);
      ++i;
    }
  }
  return decodeCp932(sjis);
}

}  // namespace renkei::hl7v2

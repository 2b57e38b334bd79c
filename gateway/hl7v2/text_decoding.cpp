// ISO-2022-JP through CP932 and CP932 through ICU's windows-31j converter. ASCII, which is most of
// a message, is copied as it is; only the runs of multi-byte characters go through ICU.
#include "text_decoding.h"

#include <algorithm>
#include <memory>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

namespace renkei::hl7v2 {
namespace {

/// Whether a CP932 byte starts a two-byte character (the next byte is its trail, which may be
/// an ASCII byte from 0x40).
bool cp932Lead(unsigned char c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }

/// Appends the UTF-8 of a run of CP932 characters to `out`; InvalidInput when ICU cannot decode
/// it, Internal when ICU has no converter.
Status appendCp932Run(std::string_view run, std::string& out) {
  const auto notCp932 = [] { return Status::invalidInput("bytes that are not CP932 (Windows-31J)"); };
  // One converter per thread, reset for each run: opening one costs more than decoding a message.
  thread_local std::unique_ptr<UConverter, void (*)(UConverter*)> converter(nullptr, ucnv_close);
  thread_local std::u16string units;
  UErrorCode error = U_ZERO_ERROR;
  if (!converter) {
    converter.reset(ucnv_open("windows-31j", &error));
    if (U_FAILURE(error)) return Status::internal(std::string("ICU windows-31j: ") + u_errorName(error));
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  }
  ucnv_resetToUnicode(converter.get());
  if (units.size() < run.size() + 1) units.resize(run.size() + 1);
  const int32_t n = ucnv_toUChars(converter.get(), units.data(), static_cast<int32_t>(units.size()), run.data(),
                                  static_cast<int32_t>(run.size()), &error);
  if (U_FAILURE(error)) return notCp932();
  // At most three UTF-8 bytes for each UTF-16 unit (a pair's four bytes are two units' six).
  const std::size_t at = out.size();
  out.resize(at + static_cast<std::size_t>(n) * 3);
  int32_t length = 0;
  u_strToUTF8(out.data() + at, static_cast<int32_t>(n) * 3, &length, reinterpret_cast<const UChar*>(units.data()), n,
              &error);
  if (U_FAILURE(error)) return notCp932();
  out.resize(at + static_cast<std::size_t>(length));
  return Status::okStatus();
}

}  // namespace

Result<std::string> decodeCp932(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t ascii = i;
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80) ++i;
    out.append(bytes.substr(ascii, i - ascii));
    if (i == bytes.size()) break;
    // A run of non-ASCII characters, each cut where the converter would cut it.
    const std::size_t run = i;
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) >= 0x80) {
      i += cp932Lead(static_cast<unsigned char>(bytes[i])) ? 2 : 1;
    }
    i = std::min(i, bytes.size());
    RENKEI_RETURN_IF_ERROR(appendCp932Run(bytes.substr(run, i - run), out));
  }
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
    if (mode == Mode::Ascii) {  // up to the next escape at once (line ends keep ASCII)
      const std::size_t escape = std::min(bytes.find('\x1b', i), bytes.size());
      sjis.append(bytes.substr(i, escape - i));
      i = escape - 1;
    } else if (c >= 0x80) {
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

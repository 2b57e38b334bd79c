// ISO-2022-JP through CP932 and CP932 through ICU's windows-31j converter, asked once for every
// character. ASCII, which is most of a message, is copied as it is.
#include "text_decoding.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include <unicode/ucnv.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

namespace renkei::hl7v2 {
namespace {

/// Whether a CP932 byte starts a two-byte character (the next byte is its trail, which may be
/// an ASCII byte from 0x40).
bool cp932Lead(unsigned char c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }

/// The UTF-8 of every CP932 character, worked out once through ICU's windows-31j converter: a
/// message is then decoded by looking its characters up, with ICU's answers and nothing else
/// (a code ICU refuses stays refused).
class Cp932Table {
 public:
  /// The table, or the reason ICU could not make it.
  static const Cp932Table& get() {
    static const Cp932Table table;
    return table;
  }
  const Status& status() const { return status_; }
  /// A one-byte character (0x80–0xFF, not a lead byte); empty when it is not CP932.
  std::string_view single(unsigned char b) const { return view(singles_[b & 0x7F]); }
  /// A two-byte character; empty when it is not CP932.
  std::string_view pair(unsigned char lead, unsigned char trail) const {
    return view(pairs_[static_cast<std::size_t>(leadIndex(lead)) * 256 + trail]);
  }

 private:
  struct Entry {
    char bytes[4];
    uint8_t size = 0;  ///< 0: not a character
  };
  static std::size_t leadIndex(unsigned char lead) { return lead <= 0x9F ? lead - 0x81 : lead - 0xE0 + 31; }
  static std::string_view view(const Entry& e) { return {e.bytes, e.size}; }

  Cp932Table() : pairs_(60 * 256) {
    UErrorCode error = U_ZERO_ERROR;
    std::unique_ptr<UConverter, void (*)(UConverter*)> converter(ucnv_open("windows-31j", &error), ucnv_close);
    if (U_FAILURE(error)) {
      status_ = Status::internal(std::string("ICU windows-31j: ") + u_errorName(error));
      return;
    }
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
    for (unsigned b = 0x80; b <= 0xFF; ++b) {
      if (cp932Lead(static_cast<unsigned char>(b))) continue;
      const char bytes[1] = {static_cast<char>(b)};
      singles_[b & 0x7F] = decoded(converter.get(), std::string_view(bytes, 1));
    }
    for (unsigned lead = 0x81; lead <= 0xFC; ++lead) {
      if (!cp932Lead(static_cast<unsigned char>(lead))) continue;
      for (unsigned trail = 0; trail <= 0xFF; ++trail) {
        const char bytes[2] = {static_cast<char>(lead), static_cast<char>(trail)};
        pairs_[leadIndex(static_cast<unsigned char>(lead)) * 256 + trail] = decoded(converter.get(), std::string_view(bytes, 2));
      }
    }
  }

  /// One character through ICU: its UTF-8, or no entry when ICU refuses the bytes or reads
  /// them as anything but exactly one character.
  static Entry decoded(UConverter* converter, std::string_view bytes) {
    UErrorCode error = U_ZERO_ERROR;
    UChar units[4];
    ucnv_resetToUnicode(converter);
    const int32_t n = ucnv_toUChars(converter, units, 4, bytes.data(), static_cast<int32_t>(bytes.size()), &error);
    Entry e;
    if (U_FAILURE(error) || n < 1 || n > 2) return e;
    UChar32 c;
    int32_t at = 0;
    U16_NEXT(units, at, n, c);
    if (at != n) return e;
    int32_t length = 0;
    UBool invalid = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(e.bytes), length, 4, c, invalid);
    if (invalid) return e;
    e.size = static_cast<uint8_t>(length);
    return e;
  }

  Status status_ = Status::okStatus();
  std::array<Entry, 128> singles_{};
  std::vector<Entry> pairs_;
};

}  // namespace

Result<std::string> decodeCp932(std::string_view bytes) {
  const Cp932Table& table = Cp932Table::get();
  if (!table.status().ok()) return table.status();
  const auto notCp932 = [] { return Status::invalidInput("bytes that are not CP932 (Windows-31J)"); };
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t ascii = i;
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) < 0x80) ++i;
    out.append(bytes.substr(ascii, i - ascii));
    // Then the non-ASCII characters, a lead byte taking the next byte whatever it is.
    while (i < bytes.size() && static_cast<unsigned char>(bytes[i]) >= 0x80) {
      const auto b = static_cast<unsigned char>(bytes[i]);
      std::string_view utf8;
      if (!cp932Lead(b)) {
        utf8 = table.single(b);
        ++i;
      } else if (i + 1 < bytes.size()) {
        utf8 = table.pair(b, static_cast<unsigned char>(bytes[i + 1]));
        i += 2;
      }
      if (utf8.empty()) return notCp932();
      out.append(utf8);
    }
  }
  return out;
}

Result<std::string> decodeIso2022Jp(std::string_view bytes) {
  enum class Mode { Ascii, TwoByte, Katakana } mode = Mode::Ascii;
  const bool shiftOuts = bytes.find('\x0e') != std::string_view::npos;
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
    if (c == 0x0E || c == 0x0F) {  // shift out / in: JIS X 0201 katakana as 7-bit bytes (JIS7)
      mode = c == 0x0E ? Mode::Katakana : Mode::Ascii;
      continue;
    }
    if (c == '\r' || c == '\n') {  // a line end returns to ASCII
      mode = Mode::Ascii;
      sjis += static_cast<char>(c);
      continue;
    }
    if (mode == Mode::Ascii) {  // up to the next escape or shift out at once (line ends keep ASCII)
      const std::size_t escape = std::min(shiftOuts ? bytes.find_first_of("\x1b\x0e", i) : bytes.find('\x1b', i), bytes.size());
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

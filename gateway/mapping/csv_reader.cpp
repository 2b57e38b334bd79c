// Streaming CSV reader: ICU decodes the bytes (UTF-8 or Windows-31J, stopping at invalid bytes)
// to UTF-8, and a byte-wise state machine splits it into rows and fields within limits.
#include "renkei/mapping/csv_reader.h"

#include <algorithm>

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>

#include "renkei/core/ascii.h"

namespace renkei::mapping {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string lineText(int64_t line) { return "line " + std::to_string(line) + ": "; }

}  // namespace

Result<TextEncoding> parseEncoding(std::string_view name) {
  for (std::string_view n : {"utf-8", "utf8"}) {
    if (equalsIgnoringAsciiCase(name, n)) return TextEncoding::Utf8;
  }
  for (std::string_view n : {"utf-8-bom", "utf8-bom"}) {
    if (equalsIgnoringAsciiCase(name, n)) return TextEncoding::Utf8Bom;
  }
  for (std::string_view n : {"cp932", "ms932", "windows-31j", "shift_jis", "shift-jis", "sjis"}) {
    if (equalsIgnoringAsciiCase(name, n)) return TextEncoding::Cp932;
  }
  return Status::invalidInput("unknown encoding '" + std::string(name) +
                              "' (expected utf-8, utf-8-bom or cp932)");
}

std::string_view encodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::Utf8: return "utf-8";
    case TextEncoding::Utf8Bom: return "utf-8-bom";
    case TextEncoding::Cp932: return "cp932";
  }
  return "utf-8";
}

struct CsvReader::State {
  enum class Mode { FieldStart, Unquoted, Quoted, QuoteInQuoted, CrPending };

  CsvDialect dialect;
  CsvLimits limits;
  UConverter* converter = nullptr;
  Status failed;
  bool finished = false;
  bool heldCtrlZ = false;  ///< the last byte fed was a Ctrl-Z (dropped at finish: the end-of-file mark)
  bool bomChecked = false;
  std::string bomBuffer;
  int64_t bytesIn = 0;  ///< input bytes handed to the converter so far (BOM included)

  Mode mode = Mode::FieldStart;
  int64_t line = 1;       ///< physical line of the next character
  int64_t rowLine = 1;
  int64_t quoteLine = 1;  ///< where the open quoted field began
  bool rowStarted = false;
  bool rowHasContent = false;
  std::size_t rowBytes = 0;
  std::string field;
  std::vector<std::string> fields;

  ~State() {
    if (converter != nullptr) ucnv_close(converter);
  }

  Status fail(Status s) {
    failed = std::move(s);
    return failed;
  }

  Status endField() {
    if (fields.size() >= limits.maxFields) {
      return Status::tooLarge(lineText(rowLine) + "more than " + std::to_string(limits.maxFields) +
                              " fields in a row");
    }
    fields.push_back(std::move(field));
    field.clear();
    mode = Mode::FieldStart;
    return {};
  }

  Status endRow(std::vector<CsvRow>& out) {
    RENKEI_RETURN_IF_ERROR(endField());
    if (rowHasContent) out.push_back({std::move(fields), rowLine});
    fields.clear();
    rowStarted = false;
    rowHasContent = false;
    rowBytes = 0;
    return {};
  }

  Status append(char c) {
    field.push_back(c);
    if (field.size() > limits.maxFieldBytes) {
      return Status::tooLarge(lineText(rowLine) + "a field is longer than " +
                              std::to_string(limits.maxFieldBytes) + " bytes");
    }
    return {};
  }

  Status parse(std::string_view text, std::vector<CsvRow>& out) {
    const char delimiter = dialect.delimiter, quote = dialect.quote;
    for (char c : text) {
      if (!rowStarted) {
        rowStarted = true;
        rowLine = line;
      }
      if (++rowBytes > limits.maxRowBytes) {
        return Status::tooLarge(lineText(rowLine) + "a row is longer than " +
                                std::to_string(limits.maxRowBytes) + " bytes");
      }
      if (c != '\r' && c != '\n') rowHasContent = true;
      switch (mode) {
        case Mode::FieldStart:
        case Mode::Unquoted:
          if (c == delimiter) {
            RENKEI_RETURN_IF_ERROR(endField());
          } else if (c == '\n') {
            ++line;
            RENKEI_RETURN_IF_ERROR(endRow(out));
          } else if (c == '\r') {
            mode = Mode::CrPending;
          } else if (c == quote) {
            if (mode == Mode::Unquoted) {
              return Status::invalidInput(lineText(line) + "a quote inside an unquoted field");
            }
            mode = Mode::Quoted;
            quoteLine = line;
          } else {
            RENKEI_RETURN_IF_ERROR(append(c));
            mode = Mode::Unquoted;
          }
          break;
        case Mode::Quoted:
          if (c == quote) {
            mode = Mode::QuoteInQuoted;
          } else {
            if (c == '\n') ++line;
            RENKEI_RETURN_IF_ERROR(append(c));
          }
          break;
        case Mode::QuoteInQuoted:
          if (c == quote) {
            RENKEI_RETURN_IF_ERROR(append(c));
            mode = Mode::Quoted;
          } else if (c == delimiter) {
            RENKEI_RETURN_IF_ERROR(endField());
          } else if (c == '\n') {
            ++line;
            RENKEI_RETURN_IF_ERROR(endRow(out));
          } else if (c == '\r') {
            mode = Mode::CrPending;
          } else {
            return Status::invalidInput(lineText(line) + "a character after the closing quote of a field");
          }
          break;
        case Mode::CrPending:
          if (c != '\n') return Status::invalidInput(lineText(line) + "a CR without LF outside quotes");
          ++line;
          RENKEI_RETURN_IF_ERROR(endRow(out));
          break;
      }
    }
    return {};
  }

  /// Decodes `bytes` (flushing the converter when `flush`) and parses what decoded.
  Status decode(std::string_view bytes, bool flush, std::vector<CsvRow>& out) {
    std::vector<UChar> units(bytes.size() * 2 + 16);
    const char* source = bytes.data();
    const char* const sourceEnd = source + bytes.size();
    std::string utf8;
    while (true) {
      UChar* target = units.data();
      UErrorCode error = U_ZERO_ERROR;
      ucnv_toUnicode(converter, &target, units.data() + units.size(), &source, sourceEnd, nullptr,
                     flush, &error);
      RENKEI_RETURN_IF_ERROR(appendUtf8(units.data(), target, utf8));
      if (error == U_BUFFER_OVERFLOW_ERROR) continue;
      RENKEI_RETURN_IF_ERROR(parse(utf8, out));
      if (U_FAILURE(error)) {
        char invalid[32];
        int8_t invalidLength = sizeof invalid;
        UErrorCode ignored = U_ZERO_ERROR;
        ucnv_getInvalidChars(converter, invalid, &invalidLength, &ignored);
        if (U_FAILURE(ignored)) invalidLength = 0;
        const int64_t offset = bytesIn + (source - bytes.data()) - invalidLength;
        const bool truncated = error == U_TRUNCATED_CHAR_FOUND;
        return Status::invalidInput(
            lineText(line) + (truncated ? "the input ends inside a character" : "bytes that are not valid") +
            " " + (dialect.encoding == TextEncoding::Cp932 ? "CP932" : "UTF-8") + " at byte offset " +
            std::to_string(offset));
      }
      break;
    }
    bytesIn += static_cast<int64_t>(bytes.size());
    return {};
  }

  static Status appendUtf8(const UChar* begin, const UChar* end, std::string& utf8) {
    if (begin == end) return {};
    const auto length = static_cast<int32_t>(end - begin);
    const std::size_t start = utf8.size();
    utf8.resize(start + static_cast<std::size_t>(length) * 3);
    int32_t written = 0;
    UErrorCode error = U_ZERO_ERROR;
    u_strToUTF8(utf8.data() + start, static_cast<int32_t>(utf8.size() - start), &written, begin,
                length, &error);
    if (U_FAILURE(error)) return Status::internal("UTF-16 to UTF-8 failed: " + std::string(u_errorName(error)));
    utf8.resize(start + static_cast<std::size_t>(written));
    return {};
  }

  Status consume(std::string_view bytes, bool flush, std::vector<CsvRow>& out) {
    if (dialect.encoding != TextEncoding::Cp932 && !bomChecked) {
      bomBuffer.append(bytes);
      const bool maybeBom = kBom.substr(0, std::min(bomBuffer.size(), kBom.size())) ==
                            std::string_view(bomBuffer).substr(0, kBom.size());
      if (maybeBom && bomBuffer.size() < kBom.size() && !flush) return {};
      bomChecked = true;
      std::string buffered = std::move(bomBuffer);
      std::string_view rest = buffered;
      if (rest.substr(0, kBom.size()) == kBom) {
        rest.remove_prefix(kBom.size());
        bytesIn += static_cast<int64_t>(kBom.size());
      }
      return decode(rest, flush, out);
    }
    return decode(bytes, flush, out);
  }

  Status finishRows(std::vector<CsvRow>& out) {
    switch (mode) {
      case Mode::Quoted:
        return Status::invalidInput(lineText(quoteLine) + "a quoted field is never closed");
      case Mode::FieldStart:
      case Mode::Unquoted:
      case Mode::QuoteInQuoted:
      case Mode::CrPending:
        if (rowStarted) return endRow(out);
        return {};
    }
    return {};
  }
};

CsvReader::CsvReader(CsvDialect dialect, CsvLimits limits) : state_(std::make_unique<State>()) {
  state_->dialect = dialect;
  state_->limits = limits;
  auto usable = [](char c) { return c > 0 && c < 0x7F && c != '\r' && c != '\n'; };
  if (!usable(dialect.delimiter) || !usable(dialect.quote) || dialect.delimiter == dialect.quote) {
    state_->failed = Status::invalidInput(
        "CSV dialect: delimiter and quote must be two different ASCII characters other than CR and LF");
    return;
  }
  UErrorCode error = U_ZERO_ERROR;
  const char* name = dialect.encoding == TextEncoding::Cp932 ? "windows-31j" : "UTF-8";
  state_->converter = ucnv_open(name, &error);
  if (U_SUCCESS(error)) {
    ucnv_setToUCallBack(state_->converter, UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  }
  if (U_FAILURE(error)) {
    state_->failed = Status::internal(std::string("ICU converter ") + name + ": " + u_errorName(error));
  }
}

CsvReader::~CsvReader() = default;
CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;

Status CsvReader::feed(std::string_view bytes, std::vector<CsvRow>& out) {
  State& s = *state_;
  if (!s.failed.ok()) return s.failed;
  if (s.finished) return s.fail(Status::internal("CSV reader: feed() after finish()"));
  if (bytes.empty()) return {};
  // A Ctrl-Z as the file's last byte is DOS's end-of-file mark, not data: the last one fed is
  // held back until more bytes show it was not the last.
  Status st;
  if (s.heldCtrlZ) {
    s.heldCtrlZ = false;
    st = s.consume("\x1a", false, out);
  }
  const bool endsInCtrlZ = bytes.back() == '\x1a';
  if (st.ok()) st = s.consume(endsInCtrlZ ? bytes.substr(0, bytes.size() - 1) : bytes, false, out);
  s.heldCtrlZ = endsInCtrlZ;
  return st.ok() ? st : s.fail(std::move(st));
}

Status CsvReader::finish(std::vector<CsvRow>& out) {
  State& s = *state_;
  if (!s.failed.ok()) return s.failed;
  if (s.finished) return {};
  s.finished = true;
  Status st = s.consume({}, true, out);
  if (st.ok()) st = s.finishRows(out);
  return st.ok() ? st : s.fail(std::move(st));
}

Result<std::vector<CsvRow>> readCsv(std::string_view bytes, const CsvDialect& dialect,
                                   const CsvLimits& limits) {
  CsvReader reader(dialect, limits);
  std::vector<CsvRow> rows;
  RENKEI_RETURN_IF_ERROR(reader.feed(bytes, rows));
  RENKEI_RETURN_IF_ERROR(reader.finish(rows));
  return rows;
}

}  // namespace renkei::mapping

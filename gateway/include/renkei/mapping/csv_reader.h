// Streaming CSV reading for vendor files: bytes in UTF-8 (with or without BOM) or CP932
// (Windows-31J, decoded by ICU, never strict Shift_JIS) → rows of UTF-8 fields, with limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::mapping {

/// Utf8 and Utf8Bom read alike (a leading BOM is stripped, none is required); Utf8Bom makes
/// writers put one.
enum class TextEncoding { Utf8, Utf8Bom, Cp932 };

/// "utf-8" (also "utf8"), "utf-8-bom", "cp932" (aliases "ms932", "windows-31j", "shift_jis",
/// "sjis": all read as Windows-31J), ASCII case-insensitive.
Result<TextEncoding> parseEncoding(std::string_view name);
/// The canonical name parseEncoding accepts ("utf-8", "utf-8-bom", "cp932").
std::string_view encodingName(TextEncoding encoding);

/// `delimiter` and `quote` must be distinct ASCII characters other than CR and LF.
struct CsvDialect {
  TextEncoding encoding = TextEncoding::Utf8;
  char delimiter = ',';
  char quote = '"';
};

/// Sizes in UTF-8 bytes after decoding.
struct CsvLimits {
  std::size_t maxFieldBytes = 1 << 20;
  std::size_t maxFields = 2000;
  std::size_t maxRowBytes = 4 << 20;
};

struct CsvRow {
  std::vector<std::string> fields;
  int64_t line = 0;  ///< 1-based physical line where the row starts
};

/// Streaming: feed() bytes in any pieces (a CP932 double-byte character or a UTF-8 sequence may be
/// split across pieces) and receive the rows completed so far; finish() at the end.
/// Quoted fields may hold "" escapes and CR, LF or CRLF; rows end at LF or CRLF (or at the end of
/// the input); blank lines are skipped. Errors name the line (and for bad bytes the 0-based byte
/// offset in the input), never the content: bytes invalid for the encoding, an unterminated quoted
/// field, a quote inside an unquoted field, a character after a closing quote, a CR without LF
/// outside quotes (InvalidInput); a limit exceeded (TooLarge). After an error the reader stays
/// failed and returns the same status.
class CsvReader {
 public:
  explicit CsvReader(CsvDialect dialect, CsvLimits limits = {});
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  Status feed(std::string_view bytes, std::vector<CsvRow>& out);
  Status finish(std::vector<CsvRow>& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The whole input at once.
Result<std::vector<CsvRow>> readCsv(std::string_view bytes, const CsvDialect& dialect,
                                   const CsvLimits& limits = {});

}  // namespace renkei::mapping

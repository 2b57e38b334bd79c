// CSV row rendering: RFC 4180 quoting in the dialect's delimiter and quote, CRLF line ends.
#include "renkei/mapping/csv_writer.h"

namespace renkei::mapping {

std::string csvRow(const std::vector<std::string>& fields, const CsvDialect& dialect,
                   const std::vector<bool>& alwaysQuoted) {
  const char special[] = {dialect.delimiter, dialect.quote, '\r', '\n'};
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += dialect.delimiter;
    const std::string& f = fields[i];
    // A lone empty field is quoted so that the row is not read back as a blank line, and a first
    // field that starts with U+FEFF so that it is not read back as a byte order mark.
    const bool lone = fields.size() == 1 && f.empty();
    const bool bomLike = i == 0 && f.rfind("\xEF\xBB\xBF", 0) == 0;
    const bool quoted = i < alwaysQuoted.size() && alwaysQuoted[i] && !f.empty();
    if (!lone && !bomLike && !quoted && f.find_first_of(std::string_view(special, sizeof special)) == std::string::npos) {
      out += f;
      continue;
    }
    out += dialect.quote;
    for (char c : f) {
      if (c == dialect.quote) out += dialect.quote;
      out += c;
    }
    out += dialect.quote;
  }
  out += "\r\n";
  return out;
}

}  // namespace renkei::mapping

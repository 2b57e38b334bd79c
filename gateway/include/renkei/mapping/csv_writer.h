// One CSV row as UTF-8 text in a dialect's delimiter and quote (encoding to CP932 is the sink's).
#pragma once

#include <string>
#include <vector>

#include "renkei/mapping/csv_reader.h"

namespace renkei::mapping {

/// Fields joined by the delimiter; a field holding the delimiter, the quote, CR or LF is quoted
/// with its quotes doubled, as is a row's only field when empty; so is a non-empty field whose
/// `alwaysQuoted` flag is set (a layout that quotes its free text). The row ends with CRLF.
std::string csvRow(const std::vector<std::string>& fields, const CsvDialect& dialect,
                   const std::vector<bool>& alwaysQuoted = {});

}  // namespace renkei::mapping

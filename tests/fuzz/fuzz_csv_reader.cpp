// Fuzz target: vendor CSV bytes. The first bytes choose the encoding and the seed of the piece
// sizes; the rest is fed in random pieces. Nothing may crash or hang, every error has a message,
// and the rows of a successful read match a read in one piece.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <random>
#include <string_view>
#include <vector>

#include "renkei/mapping/csv_reader.h"
#include "renkei/mapping/csv_writer.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::mapping;
  if (size < 2) return 0;
  static constexpr TextEncoding kEncodings[] = {TextEncoding::Utf8, TextEncoding::Utf8Bom, TextEncoding::Cp932};
  const CsvDialect dialect{kEncodings[data[0] % 3], (data[0] & 0x10) ? ';' : ',', '"'};
  std::minstd_rand pieces(data[1]);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  CsvLimits limits;
  limits.maxFieldBytes = 4096;
  limits.maxFields = 64;
  limits.maxRowBytes = 16384;

  CsvReader reader(dialect, limits);
  std::vector<CsvRow> rows;
  renkei::Status status;
  std::size_t at = 0;
  while (status.ok() && at < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - at, 1 + pieces() % 17);
    status = reader.feed(bytes.substr(at, n), rows);
    at += n;
  }
  if (status.ok()) status = reader.finish(rows);

  auto whole = readCsv(bytes, dialect, limits);
  check(whole.ok() == status.ok());
  if (!status.ok()) {
    check(!status.message().empty());
    check(whole.status().message() == status.message());
    return 0;
  }
  check(whole->size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    check(rows[i].fields == whole.value()[i].fields && rows[i].line == whole.value()[i].line);
    check(rows[i].line >= 1);
    // What was read renders and reads back to the same fields (UTF-8).
    auto again = readCsv(csvRow(rows[i].fields, {TextEncoding::Utf8, dialect.delimiter, '"'}),
                         {TextEncoding::Utf8, dialect.delimiter, '"'});
    check(again.ok() && again->size() == 1 && again.value()[0].fields == rows[i].fields);
  }
  return 0;
}

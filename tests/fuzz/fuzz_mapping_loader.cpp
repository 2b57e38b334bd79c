// Fuzz target: mapping.json text. Whatever the bytes, loading must give a mapping or errors that
// say why, never crash or hang; a mapping that loads must then map a small CSV without crashing,
// whole and streamed in slices alike.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/streamed_mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::vector<renkei::mapping::MappingError> errors;
  auto m = renkei::mapping::MappingSet::fromJson(
      std::string_view(reinterpret_cast<const char*>(data), size), "", errors);
  if (m == nullptr && errors.empty()) __builtin_trap();  // a refusal must say why
  if (m != nullptr) {
    std::string csv;
    for (const std::string& c : m->layout.columns) csv += c + ",";
    csv += "\r\n1,2,3\r\n1,2,\"x\r\ny\"\r\n";
    auto whole = renkei::mapping::mapFile(*m, csv, "f.csv");
    // Streamed in tiny slices it maps the same records (or fails the same way).
    renkei::mapping::StreamedMapping::Options options;
    options.sliceBytes = 7;
    renkei::mapping::StreamedMapping streamed(*m, "f.csv", options);
    std::vector<renkei::mapping::StreamedRecord> records;
    renkei::Status fed = streamed.feed(csv, records);
    if (fed.ok()) fed = streamed.finish(records);
    if (whole.ok() != fed.ok()) __builtin_trap();
    if (whole.ok() && !whole->rejected && whole->records.size() != records.size()) __builtin_trap();
  }
  return 0;
}

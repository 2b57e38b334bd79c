// Fuzz target: mapping.json text. Whatever the bytes, loading must give a mapping or errors that
// say why, never crash or hang; a mapping that loads must then map a small CSV without crashing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "renkei/mapping/mapping_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::vector<renkei::mapping::MappingError> errors;
  auto m = renkei::mapping::MappingSet::fromJson(
      std::string_view(reinterpret_cast<const char*>(data), size), "", errors);
  if (m == nullptr && errors.empty()) __builtin_trap();  // a refusal must say why
  if (m != nullptr) {
    std::string csv;
    for (const std::string& c : m->layout.columns) csv += c + ",";
    csv += "\r\n1,2,3\r\n";
    (void)renkei::mapping::mapFile(*m, csv);
  }
  return 0;
}

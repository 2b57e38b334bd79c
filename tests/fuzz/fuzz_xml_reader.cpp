// Fuzz target: FHIR XML from outside (including hostile DTDs and entities). Reads, validates and
// re-serializes whatever parses.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "renkei/fhir/xml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::fhir;
  ReadOptions options;
  options.maxBytes = 1 << 20;
  ReadResult r = readXml(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!r.ok()) return 0;
  renkei::fuzz::exercise(*r.document);
  return 0;
}

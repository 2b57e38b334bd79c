// Fuzz target: FHIR JSON from outside. Reads, validates and re-serializes whatever parses;
// nothing may crash, hang or leak whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/xml_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::fhir;
  ReadOptions options;
  options.maxBytes = 1 << 20;
  options.allowComments = size > 0 && (data[0] & 1);
  ReadResult r = readJson(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!r.ok()) return 0;
  renkei::fuzz::exercise(*r.document);
  return 0;
}

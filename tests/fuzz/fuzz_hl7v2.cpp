// Fuzz target: HL7 v2 message bytes (SS-MIX2 files, MLLP payloads). Whatever the bytes, parsing
// must give a message or an error that says why, within the limits, never crash or hang; every
// path of a parsed message reads without failing, and a value never holds an unresolved delimiter
// of a level below the one asked for.
#include <cstddef>
#include <cstdint>
#include <string>

#include "renkei/hl7v2/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using renkei::hl7v2::Message;
  renkei::hl7v2::Limits limits;
  limits.maxBytes = 64 * 1024;
  limits.maxSegments = 200;
  limits.maxFieldsPerSegment = 100;
  auto m = Message::parse(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!m.ok()) {
    if (m.status().message().empty()) __builtin_trap();
    return 0;
  }
  if (m->segments().empty() || m->segments().front().id != "MSH") __builtin_trap();
  (void)m->type();
  for (const auto& segment : m->segments()) {
    for (std::size_t f = 1; f < segment.fields.size() && f < 30; ++f) {
      const std::string path = segment.id + "-" + std::to_string(f);
      auto reps = m->repetitions(path);
      if (!reps.ok()) __builtin_trap();
      for (const std::string& p : {path, path + "[2].1", path + ".2.1"}) {
        if (!m->value(p).ok()) __builtin_trap();
      }
    }
  }
  return 0;
}

// Fuzz target: gateway config files (JSON with comments). Whatever the bytes, the checker must
// answer with errors or a config, never crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "renkei/config/gateway_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const renkei::pipeline::AdapterRegistry registry = [] {
    renkei::pipeline::AdapterRegistry r;
    renkei::pipeline::registerBuiltinAdapters(r);
    return r;
  }();
  if (size > 64 * 1024) return 0;
  std::vector<renkei::config::ConfigError> errors;
  auto config = renkei::config::parseConfig(
      std::string_view(reinterpret_cast<const char*>(data), size), "/fuzz", registry, errors);
  if (!config.ok() && errors.empty()) __builtin_trap();  // a failure must say why
  return 0;
}

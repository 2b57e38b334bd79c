// `renkei check-config FILE`: checks the whole config (schema, adapter schemas, references,
// FHIRPath conditions) and prints every error with its JSON pointer. Opens no port, no folder
// and no store. Exit 0 valid, 1 errors, 2 usage.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/config/gateway_config.h"

namespace renkei::cli {

int runCheckConfig(int argc, char** argv) {
  if (argc != 3) {
    printError("usage: renkei check-config FILE");
    return 2;
  }
  pipeline::AdapterRegistry registry;
  pipeline::registerBuiltinAdapters(registry);
  std::vector<config::ConfigError> errors;
  auto config = config::loadConfig(argv[2], registry, errors);
  if (!config.ok()) {
    for (const config::ConfigError& e : errors) {
      std::cout << argv[2] << ": " << (e.pointer.empty() ? "(file)" : e.pointer) << ": "
                << e.message << '\n';
    }
    std::cout << argv[2] << ": " << errors.size() << " error" << (errors.size() == 1 ? "" : "s")
              << '\n';
    return 1;
  }
  std::cout << argv[2] << ": ok (" << config->sources.size() << " sources, "
            << config->sinks.size() << " sinks, " << config->routes.size() << " routes, store "
            << config->store.kind << ")\n";
  return 0;
}

}  // namespace renkei::cli

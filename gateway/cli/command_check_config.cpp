// `renkei check-config FILE`: checks the whole config (schema, adapter schemas, references,
// FHIRPath conditions) and prints every error with its JSON pointer. Opens no port, no folder
// and no store. Exit 0 valid, 1 errors, 2 usage.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/config/gateway_config.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei check-config FILE\n"
      "\n"
      "Checks a gateway config (schema, adapters, references, FHIRPath conditions) without\n"
      "opening any port, folder or store, and prints every error with its JSON pointer.\n"
      "Exit 0 valid, 1 errors, 2 usage.\n",
      {},
      {}};
  return s;
}

}  // namespace

int runCheckConfig(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  if (line.args->positionals().size() != 1) return usageError(spec(), "name one config FILE");
  const std::string& path = line.args->positionals().front();
  pipeline::AdapterRegistry registry;
  pipeline::registerBuiltinAdapters(registry);
  std::vector<config::ConfigError> errors;
  auto config = config::loadConfig(path, registry, errors);
  if (!config.ok()) {
    for (const config::ConfigError& e : errors) {
      std::cout << path << ": " << (e.pointer.empty() ? "(file)" : e.pointer) << ": " << e.message
                << '\n';
    }
    std::cout << path << ": " << errors.size() << " error" << (errors.size() == 1 ? "" : "s")
              << '\n';
    return 1;
  }
  std::cout << path << ": ok (" << config->sources.size() << " sources, "
            << config->sinks.size() << " sinks, " << config->routes.size() << " routes, store "
            << config->store.kind << ")\n";
  return 0;
}

}  // namespace renkei::cli

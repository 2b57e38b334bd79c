// `renkei reindex --config FILE`: recomputes the search index of every stored resource with this
// version's search parameters — after an upgrade that indexes new ones (the directory's
// municipality, area and free beds), resources stored before are found by them too.
#include <iostream>

#include <rapidjson/document.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/pipeline/search_parameters.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei reindex --config FILE\n"
      "\n"
      "Recomputes the search index of every current resource in the configured store with the\n"
      "search parameters of this version (see docs/api.md), a page at a time. Run it once after\n"
      "an upgrade that adds search parameters; it may run while the daemon runs.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to reindex\n",
      {"config"},
      {}};
  return s;
}

}  // namespace

int runReindex(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  if (!args.positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + args.positionals().front() + "'");
  }
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  const auto values = [](const store::StoredResource& r) {
    rapidjson::Document doc;
    doc.Parse(r.content.data(), r.content.size());
    return doc.HasParseError() || !doc.IsObject()
               ? std::vector<std::pair<std::string, std::string>>{}
               : pipeline::searchValues(doc);
  };
  for (const std::string& type : pipeline::indexedTypes()) {
    auto done = configured->store->reindexSearch(type, values);
    if (!done.ok()) {
      printError(type + ": " + done.status().toString());
      return 1;
    }
    std::cout << type << '\t' << done.value() << '\n';
  }
  return 0;
}

}  // namespace renkei::cli

// `renkei definitions [--package PATH]`: what was loaded (counts, profiles) and every warning
// the loader produced, so an operator can see why a profile is missing.
#include <algorithm>
#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei definitions [--package PATH]... [--definitions DIR]\n"
        "\n"
        "Lists what was loaded (counts, profiles) and every loader warning. Exit 0 without\n"
        "warnings, 1 with warnings, 2 when the definitions cannot be loaded or usage.\n"
        "\n"
        "options:\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    return c;
  }();
  return s;
}

}  // namespace

int runDefinitions(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  if (!line.args->positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + line.args->positionals().front() + "'");
  }
  auto defs = loadDefinitionsFromArgs(*line.args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  const fhir::Definitions& d = *defs.value();
  std::cout << d.structureCount() << " StructureDefinitions, " << d.terminology().codeSystemCount()
            << " CodeSystems, " << d.terminology().valueSetCount() << " ValueSets\n";
  auto profiles = d.profiles();
  std::sort(profiles.begin(), profiles.end(),
            [](const fhir::StructureDef* a, const fhir::StructureDef* b) { return a->url < b->url; });
  for (const fhir::StructureDef* p : profiles) {
    if (p->url.rfind("http://hl7.org/fhir/", 0) == 0) continue;  // core profiles are implied
    std::cout << "profile " << p->url << " (" << p->type << ", from " << p->origin << ")\n";
  }
  for (const std::string& w : d.loadWarnings()) std::cout << "warning: " << w << '\n';
  return d.loadWarnings().empty() ? 0 : 1;
}

}  // namespace renkei::cli

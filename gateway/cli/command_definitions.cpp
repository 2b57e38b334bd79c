// `renkei definitions [--package PATH]`: what was loaded (counts, profiles) and every warning
// the loader produced, so an operator can see why a profile is missing.
#include <algorithm>
#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace renkei::cli {

int runDefinitions(int argc, char** argv) {
  auto args = Arguments::parse(argc, argv, 2, kDefinitionOptions, {});
  if (!args.ok()) {
    printError(args.status().message());
    return 2;
  }
  auto defs = loadDefinitionsFromArgs(*args);
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

// `renkei convert --to json|xml [--pretty] FILE|-`: FHIR JSON ↔ XML.
// Exit codes: 0 converted, 1 the content cannot be represented, 2 unreadable input or usage.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/xml_writer.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei convert --to json|xml [--pretty] [--package PATH]... FILE|-\n"
        "\n"
        "Converts one FHIR R4 resource between JSON and XML (- is standard input). Exit 0\n"
        "converted, 1 the content cannot be represented, 2 unreadable input or usage.\n"
        "\n"
        "options:\n"
        "  --to json|xml       the output format\n"
        "  --pretty            indent the output\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    c.valued.insert("to");
    c.flags = {"pretty"};
    return c;
  }();
  return s;
}

}  // namespace

int runConvert(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  std::string to = args.get("to");
  if (to != "json" && to != "xml") return usageError(spec(), "--to is json or xml");
  if (args.positionals().size() != 1) return usageError(spec(), "name one FILE or -");
  const std::string& path = args.positionals().front();
  std::unique_ptr<fhir::Document> document = readResourceArgument(path);
  if (document == nullptr) return 2;
  auto defs = loadDefinitionsFromArgs(args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  fhir::ElementNavigator nav(*defs.value());
  const fhir::Node& root = *document->root();
  if (!defs.value()->isResourceType(root.resourceType)) {
    printError(path + ": '" + std::string(root.resourceType) + "' is not an R4 resource type");
    return 1;
  }
  bool pretty = args.has("pretty");
  if (to == "json") {
    std::cout << fhir::writeJson(root, &nav, {pretty}) << '\n';
    return 0;
  }
  auto xml = fhir::writeXml(root, nav, {pretty, true});
  if (!xml.ok()) {
    printError(path + ": " + xml.status().message());
    return 1;
  }
  std::cout << xml.value() << '\n';
  return 0;
}

}  // namespace renkei::cli

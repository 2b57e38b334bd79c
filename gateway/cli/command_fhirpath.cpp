// `renkei fhirpath [--strict] [--trace] [--var NAME=VALUE]... 'EXPR' FILE|-`: evaluates a
// FHIRPath expression against one resource (JSON or XML) and prints the result as a JSON array
// of {"type", "value"}. Exit codes: 0 evaluated, 1 evaluation error, 2 syntax error,
// unreadable input or usage. --trace prints trace() output on stderr (it may show patient data).
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/fhirpath/evaluator.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/fhirpath/output.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei fhirpath [--strict] [--trace] [--var NAME=VALUE]... [--package PATH]...\n"
        "                       'EXPRESSION' FILE|-\n"
        "\n"
        "Evaluates a FHIRPath expression on one resource (JSON or XML; - is standard input) and\n"
        "prints the result as a JSON array of {\"type\", \"value\"}. Exit 0 evaluated, 1\n"
        "evaluation error, 2 syntax error, unreadable input or usage.\n"
        "\n"
        "options:\n"
        "  --strict            reject paths that are not elements of the type (a syntax error)\n"
        "  --trace             print trace() output on stderr (it may show patient data)\n"
        "  --var NAME=VALUE    the string %NAME; repeatable\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    c.valued.insert("var");
    c.flags = {"strict", "trace"};
    return c;
  }();
  return s;
}

}  // namespace

int runFhirPath(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (args.positionals().size() != 2) {
    return usageError(spec(), "name one EXPRESSION and one FILE or -");
  }
  const std::string& expressionText = args.positionals()[0];
  std::unique_ptr<fhir::Document> document = readResourceArgument(args.positionals()[1]);
  if (document == nullptr) return 2;
  auto defs = loadDefinitionsFromArgs(args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  const fhir::Node& root = *document->root();

  fhirpath::CompileOptions options;
  options.definitions = defs.value();
  options.contextType = std::string(root.resourceType);
  options.strict = args.has("strict");
  fhirpath::Environment env;
  for (const std::string& assignment : args.all("var")) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      printError("--var needs NAME=VALUE, not '" + assignment + "'");
      return 2;
    }
    options.variables.push_back(assignment.substr(0, eq));
  }
  // Variable values point into the argument strings, which outlive the evaluation.
  for (const std::string& assignment : args.all("var")) {
    std::string_view value(assignment);
    value.remove_prefix(assignment.find('=') + 1);
    env.variables.push_back({fhirpath::Item::ofString(value)});
  }
  auto expr = fhirpath::Expression::compile(expressionText, options);
  if (!expr.ok()) {
    printError(expr.status().message());
    return 2;
  }
  const auto validator = fhirpath::makeValidator(defs.value());
  const fhirpath::ConformanceCheck conformsTo = fhirpath::conformanceCheck(*validator);
  env.conformsTo = &conformsTo;
  const fhirpath::TraceSink trace = [&](std::string_view name, fhirpath::ItemSpan values) {
    std::cerr << "trace " << name << ": " << fhirpath::resultToJson(values, defs.value().get())
              << '\n';
  };
  if (args.has("trace")) env.trace = &trace;
  fhirpath::Evaluator evaluator;
  auto result = evaluator.evaluate(*expr, root, env);
  if (!result.ok()) {
    printError(result.status().message());
    return 1;
  }
  std::cout << fhirpath::resultToJson(*result, defs.value().get()) << '\n';
  return 0;
}

}  // namespace renkei::cli

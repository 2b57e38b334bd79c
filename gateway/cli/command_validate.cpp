// `renkei validate [options] FILE...|-`: validates FHIR R4 resources with the validator's options
// as flags (the same options the official validator test cases set).
// Exit codes: 0 every input valid, 1 some input has errors, 2 some input could not be read or
// parsed (it then gets a fatal issue), or usage.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei validate [--profile URL]... [--format text|json] [--allow-comments]\n"
        "                       [--allow-example-urls] [--allow-unknown-extensions]\n"
        "                       [--lenient-contained] [--security-checks] [--no-html-in-markdown]\n"
        "                       [--package PATH]... FILE...|-\n"
        "\n"
        "Validates FHIR R4 resources (JSON or XML; - is standard input) against R4, the profiles\n"
        "they declare and the profiles named. Exit 0 when every input is valid, 1 when one has\n"
        "errors, 2 when one cannot be read or parsed.\n"
        "\n"
        "options:\n"
        "  --profile URL       the resource must also conform to this profile; repeatable\n"
        "  --format text|json  issues as text lines (default) or an OperationOutcome per input\n"
        "  --allow-comments    accept // and /* */ comments in JSON (not FHIR JSON)\n"
        "  --allow-example-urls\n"
        "                      accept example.org / example.com URLs in url elements\n"
        "  --allow-unknown-extensions\n"
        "                      report unknown extensions as warnings instead of errors\n"
        "  --lenient-contained contained resources need not be referenced, and their ids are\n"
        "                      not checked for length\n"
        "  --security-checks   report active content (HTML tags, script) in strings and\n"
        "                      markdown\n"
        "  --no-html-in-markdown\n"
        "                      report HTML tags in markdown\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    c.valued.insert({"profile", "format"});
    c.flags = {"allow-comments",    "allow-example-urls", "allow-unknown-extensions",
               "lenient-contained", "security-checks",    "no-html-in-markdown"};
    return c;
  }();
  return s;
}

// "line 3, column 5: message" → "message" (the position is reported separately).
std::string withoutPosition(const std::string& message) {
  if (message.rfind("line ", 0) != 0) return message;
  std::size_t colon = message.find(": ");
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

void emit(const std::vector<fhir::Issue>& issues, const std::string& source, bool json,
          std::size_t errors, bool unreadable = false) {
  if (json) {
    std::cout << fhir::operationOutcomeJson(issues) << '\n';
    return;
  }
  std::cout << fhir::issuesAsText(issues, source);
  if (unreadable) {
    std::cout << source << ": unreadable\n";
    return;
  }
  std::cout << source << ": " << (errors == 0 ? "valid" : "invalid") << " (" << errors
            << " error" << (errors == 1 ? "" : "s") << ", " << issues.size() - errors
            << " other issue" << (issues.size() - errors == 1 ? "" : "s") << ")\n";
}

}  // namespace

int runValidate(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  std::string format = args.get("format", "text");
  if (format != "text" && format != "json") {
    return usageError(spec(), "--format is text or json, not '" + format + "'");
  }
  if (args.positionals().empty()) return usageError(spec(), "no input: name FILE... or -");
  const bool json = format == "json";
  auto defs = loadDefinitionsFromArgs(args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  const auto validator = fhirpath::makeValidator(defs.value());
  fhir::ValidationOptions options;
  options.profiles = args.all("profile");
  options.allowExampleUrls = args.has("allow-example-urls");
  options.allowUnknownExtensions = args.has("allow-unknown-extensions");
  options.lenientContained = args.has("lenient-contained");
  options.securityChecks = args.has("security-checks");
  options.noHtmlInMarkdown = args.has("no-html-in-markdown");
  for (const std::string& p : options.profiles) {
    if (defs.value()->structure(p) == nullptr) {
      printError("unknown profile " + p + " (load its package with --package)");
      return 2;
    }
  }
  fhir::ReadOptions readOptions;
  readOptions.allowComments = args.has("allow-comments");

  int exitCode = 0;
  for (const std::string& path : args.positionals()) {
    auto text = readInput(path);
    if (!text.ok()) {
      emit({fhir::fatalIssue(text.status().message())}, path, json, 1, true);
      exitCode = 2;
      continue;
    }
    auto read = fhir::readResource(std::move(text).value(),
                                   path == "-" ? std::nullopt : fhir::formatFromName(path),
                                   readOptions);
    if (!read.ok()) {
      emit({fhir::fatalIssue(withoutPosition(read.status.message()), read.position.line,
                             read.position.column)},
           path, json, 1, true);
      exitCode = 2;
      continue;
    }
    fhir::ValidationResult result = validator->validate(*read.document, options);
    std::size_t errors = result.errorCount();
    emit(result.issues, path, json, errors);
    if (errors > 0 && exitCode == 0) exitCode = 1;
  }
  return exitCode;
}

}  // namespace renkei::cli

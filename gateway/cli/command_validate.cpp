// `renkei validate [--profile URL] [--package PATH] [--format text|json] FILE...|-`
// Exit codes: 0 every input valid, 1 some input has errors, 2 some input could not be read or
// parsed (it then gets a fatal issue).
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"

namespace renkei::cli {
namespace {

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
  std::set<std::string> valued = kDefinitionOptions;
  valued.insert({"profile", "format"});
  auto args = Arguments::parse(argc, argv, 2, valued,
                               {"security-checks", "allow-unknown-extensions", "allow-comments"});
  if (!args.ok()) {
    printError(args.status().message());
    return 2;
  }
  std::string format = args->get("format", "text");
  if ((format != "text" && format != "json") || args->positionals().empty()) {
    printError("usage: renkei validate [--profile URL] [--package PATH] [--format text|json] "
               "FILE...|-");
    return 2;
  }
  const bool json = format == "json";
  auto defs = loadDefinitionsFromArgs(*args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  const auto validator = fhirpath::makeValidator(defs.value());
  fhir::ValidationOptions options;
  options.profiles = args->all("profile");
  options.securityChecks = args->has("security-checks");
  options.allowUnknownExtensions = args->has("allow-unknown-extensions");
  for (const std::string& p : options.profiles) {
    if (defs.value()->structure(p) == nullptr) {
      printError("unknown profile " + p + " (load its package with --package)");
      return 2;
    }
  }
  fhir::ReadOptions readOptions;
  readOptions.allowComments = args->has("allow-comments");

  int exitCode = 0;
  for (const std::string& path : args->positionals()) {
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

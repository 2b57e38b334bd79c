// Command-line parsing with --help, definition loading and input reading for CLI subcommands.
#include "cli_support.h"

#include <cctype>
#include <iostream>

#include "renkei/care/care_directory.h"
#include "renkei/core/file_io.h"
#include "renkei/core/time_text.h"
#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/adapter_registry.h"

namespace renkei::cli {

CommandLine parseCommandLine(int argc, char** argv, const CommandSpec& spec) {
  auto args = Arguments::parse(argc, argv, 2, spec);
  if (!args.ok()) {
    // An unknown option next to --help still gets the help.
    if (asksForHelp(argc, argv, 2)) return {std::nullopt, printUsage(spec)};
    return {std::nullopt, usageError(spec, args.status().message())};
  }
  if (args->helpRequested()) return {std::nullopt, printUsage(spec)};
  return {std::move(args).value(), 0};
}

int printUsage(const CommandSpec& spec) {
  std::cout << spec.usage;
  return 0;
}

int usageError(const CommandSpec& spec, const std::string& message) {
  if (!message.empty()) printError(message);
  std::cerr << spec.synopsis();
  return 2;
}

Result<std::shared_ptr<const fhir::Definitions>> loadDefinitionsFromArgs(const Arguments& args) {
  fhir::DefinitionSources sources = fhir::defaultDefinitionSources();
  if (args.has("definitions")) sources.coreDirectory = args.get("definitions");
  for (const std::string& p : args.all("package")) sources.packages.push_back(p);
  return fhir::loadDefinitions(sources);
}

Result<std::string> readInput(const std::string& path) {
  return path == "-" ? readStdinLimited() : readFileLimited(path);
}

void printError(const std::string& message) { std::cerr << "renkei: " << message << '\n'; }

std::string localTimeText(int64_t ms) { return ms <= 0 ? "-" : localDateTimeAt(ms); }

std::unique_ptr<fhir::Document> readResourceArgument(const std::string& path) {
  auto text = readInput(path);
  if (!text.ok()) {
    printError(text.status().message());
    return nullptr;
  }
  auto read = fhir::readResource(std::move(text).value(),
                                 path == "-" ? std::nullopt : fhir::formatFromName(path));
  if (!read.ok()) printError(path + ": " + read.status.message());
  return std::move(read.document);
}

std::optional<ConfiguredStore> openConfiguredStore(const std::string& path) {
  pipeline::AdapterRegistry registry;
  pipeline::registerBuiltinAdapters(registry);
  std::vector<config::ConfigError> errors;
  auto config = config::loadConfig(path, registry, errors);
  if (!config.ok()) {
    for (const auto& e : errors) printError(e.pointer + ": " + e.message);
    return std::nullopt;
  }
  auto opened = store::openStore(config->store);
  if (!opened.ok()) {
    printError(opened.status().toString());
    return std::nullopt;
  }
  return ConfiguredStore{std::move(config).value(), std::move(opened).value()};
}

Result<std::string> stateArgument(const Arguments& args, const std::vector<const char*>& states) {
  std::string state = args.get("state");
  for (char& c : state) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!args.has("state")) return state;
  std::string known;
  for (const char* s : states) {
    if (state == s) return state;
    known += (known.empty() ? "" : ", ") + std::string(s);
  }
  return Status::invalidInput("unknown state '" + args.get("state") + "' (one of " + known + ")");
}

std::string recipientText(const std::string& recipientJson) {
  const std::string label = care::recipientLabel(recipientJson);
  return label.empty() ? "-" : label;
}

}  // namespace renkei::cli

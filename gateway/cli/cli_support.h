// Shared pieces of the CLI subcommands: definition loading from flags, reading FILE or "-".
#pragma once

#include <memory>
#include <string>

#include <optional>

#include "arguments.h"
#include "renkei/config/gateway_config.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/document.h"
#include "renkei/store/store.h"

namespace renkei::cli {

/// Options every command that needs definitions accepts.
inline const std::set<std::string> kDefinitionOptions = {"package", "definitions"};

/// Loads the default sources plus --package PATH (repeatable) and --definitions DIR.
Result<std::shared_ptr<const fhir::Definitions>> loadDefinitionsFromArgs(const Arguments& args);

/// Reads FILE, or standard input for "-", within the input size limit.
Result<std::string> readInput(const std::string& path);

/// A gateway config and its opened store, for the operator commands (outbox, audit).
struct ConfiguredStore {
  config::GatewayConfig config;
  std::unique_ptr<store::Store> store;
};
/// Loads the config at `path` with the built-in adapters and opens its store; prints every
/// error and returns nullopt when either fails.
std::optional<ConfiguredStore> openConfiguredStore(const std::string& path);

/// Prints "renkei: message" on stderr.
void printError(const std::string& message);

/// Reads FILE or "-" as one FHIR resource (JSON or XML); prints why and returns nullptr when it
/// cannot be read or parsed.
std::unique_ptr<fhir::Document> readResourceArgument(const std::string& path);

}  // namespace renkei::cli

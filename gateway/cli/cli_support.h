// Shared pieces of the CLI subcommands: parsing a command line with --help, definition loading
// from flags, reading FILE or "-".
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "arguments.h"
#include "renkei/config/gateway_config.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/document.h"
#include "renkei/store/store.h"

namespace renkei::cli {

/// Options every command that needs definitions accepts, and their usage lines.
inline const std::set<std::string> kDefinitionOptions = {"package", "definitions"};
inline constexpr const char* kDefinitionOptionsUsage =
    "  --package PATH      load a FHIR package (.tgz or folder) besides R4 core; repeatable\n"
    "  --definitions DIR   R4 core definitions (default: $RENKEI_DEFINITIONS_DIR or the build's\n"
    "                      .deps location)\n";

/// A parsed command line, or the exit code to return at once when the command must not run.
struct CommandLine {
  std::optional<Arguments> args;  ///< absent after --help / -h or a usage error
  int exitCode = 0;               ///< 0 after --help / -h, 2 after a usage error
};

/// Parses argv[2…] against `spec`. For --help / -h prints spec.usage on stdout (exit 0); for an
/// unknown or incomplete option prints the error and the synopsis on stderr (exit 2).
CommandLine parseCommandLine(int argc, char** argv, const CommandSpec& spec);

/// Prints spec.usage on stdout; returns 0.
int printUsage(const CommandSpec& spec);

/// Prints "renkei: message" (when not empty) and the synopsis on stderr; returns 2.
int usageError(const CommandSpec& spec, const std::string& message = {});

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

/// Milliseconds since the epoch as local "YYYY-MM-DD HH:MM:SS", or "-" for 0.
std::string localTimeText(int64_t ms);

/// The --state value in capitals when it is one of `states` (absent: ""), or InvalidInput naming
/// them (an unknown state would otherwise list nothing and look like an empty list).
Result<std::string> stateArgument(const Arguments& args, const std::vector<const char*>& states);

/// "role: who" of a care-team delivery's recipient (directory data, not the message); "-" else.
std::string recipientText(const std::string& recipientJson);

/// Reads FILE or "-" as one FHIR resource (JSON or XML); prints why and returns nullptr when it
/// cannot be read or parsed.
std::unique_ptr<fhir::Document> readResourceArgument(const std::string& path);

}  // namespace renkei::cli

// `renkei audit --config FILE [--limit N]`: the newest API requests from the configured store as
// a Bundle of FHIR AuditEvent resources (who, what, outcome; no content, no query strings), for
// an operator or an audit repository. Works while the daemon runs.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/pipeline/audit_events.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei audit --config FILE [--limit N]\n"
      "\n"
      "Prints the newest API requests recorded in the configured store as a Bundle of FHIR\n"
      "AuditEvents (who, what, outcome; no content). Works while the daemon runs.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to read\n"
      "  --limit N           how many requests, newest first (default 100)\n",
      {"config", "limit"},
      {}};
  return s;
}

}  // namespace

int runAudit(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  if (!args.positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + args.positionals().front() + "'");
  }
  auto limit = args.integer("limit", 100);
  if (!limit.ok()) return usageError(spec(), limit.status().message());
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  auto records = configured->store->audit(limit.value());
  if (!records.ok()) {
    printError(records.status().toString());
    return 1;
  }
  std::cout << pipeline::auditEventBundle(records.value(), "Renkei " + configured->config.instanceName)
            << '\n';
  return 0;
}

}  // namespace renkei::cli

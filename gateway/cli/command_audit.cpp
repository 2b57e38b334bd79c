// `renkei audit --config FILE [--limit N]`: the newest API requests from the configured store as
// a Bundle of FHIR AuditEvent resources (who, what, outcome; no content, no query strings), for
// an operator or an audit repository. `--patient ID`: who saw this patient's data and why — every
// receive, route, hold, delivery, notification and read of it. Works while the daemon runs.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/pipeline/audit_events.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei audit --config FILE [--limit N]\n"
      "       renkei audit --config FILE --patient ID [--limit N] [--text]\n"
      "\n"
      "Prints the newest API requests recorded in the configured store as a Bundle of FHIR\n"
      "AuditEvents (who, what, outcome; no content). With --patient: who saw this patient's\n"
      "data and why — each message naming the patient received, routed, held, sent, notified,\n"
      "acknowledged and read over the API, in time order. Works while the daemon runs.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to read\n"
      "  --patient ID        the patient's identifier: system|value, or a value in any system\n"
      "  --limit N           how many requests (or, with --patient, messages), newest (default 100)\n"
      "  --text              with --patient: one line per event (Japanese), not a Bundle\n",
      {"config", "limit", "patient"},
      {"text"}};
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
  const std::string observer = "Renkei " + configured->config.instanceName;
  if (args.has("patient")) {
    const std::string patient = args.get("patient");
    const std::size_t bar = patient.find('|');
    auto trail = bar == std::string::npos
                     ? configured->store->patientTrail("", patient, limit.value())
                     : configured->store->patientTrail(patient.substr(0, bar), patient.substr(bar + 1),
                                                       limit.value());
    if (!trail.ok()) {
      printError(trail.status().toString());
      return 1;
    }
    const auto entries = pipeline::patientTrailEntries(trail.value(), patient);
    if (trail->truncated) {
      printError("more than " + std::to_string(limit.value()) +
                 " messages name this patient: the newest are shown (raise --limit)");
    }
    if (entries.empty()) {
      printError("no message names the patient " + patient);
      return 1;
    }
    std::cout << (args.has("text") ? pipeline::auditEntriesText(entries)
                                   : pipeline::auditBundle(entries, observer) + "\n");
    return 0;
  }
  if (args.has("text")) return usageError(spec(), "--text goes with --patient");
  auto records = configured->store->audit(limit.value());
  if (!records.ok()) {
    printError(records.status().toString());
    return 1;
  }
  std::cout << pipeline::auditEventBundle(records.value(), observer) << '\n';
  return 0;
}

}  // namespace renkei::cli

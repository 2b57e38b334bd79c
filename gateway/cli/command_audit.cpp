// `renkei audit --config FILE [--limit N]`: the newest API requests from the configured store as
// a Bundle of FHIR AuditEvent resources (who, what, outcome; no content, no query strings), for
// an operator or an audit repository. Works while the daemon runs.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/pipeline/audit_events.h"

namespace renkei::cli {

int runAudit(int argc, char** argv) {
  auto args = Arguments::parse(argc, argv, 2, {"config", "limit"}, {});
  if (!args.ok() || !args->has("config")) {
    printError(args.ok() ? "usage: renkei audit --config FILE [--limit N]" : args.status().message());
    return 2;
  }
  int64_t limit = 100;
  try {
    limit = std::stoll(args->get("limit", "100"));
  } catch (const std::exception&) {
    printError("--limit must be a number");
    return 2;
  }
  auto configured = openConfiguredStore(args->get("config"));
  if (!configured) return 2;
  auto records = configured->store->audit(limit);
  if (!records.ok()) {
    printError(records.status().toString());
    return 1;
  }
  std::cout << pipeline::auditEventBundle(records.value(), "Renkei " + configured->config.instanceName) << '\n';
  return 0;
}

}  // namespace renkei::cli

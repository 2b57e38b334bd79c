// `renkei notifications --config FILE list|ack|digest-now …`: the operator's view of the
// notifications to care-team members (works while the daemon runs): which are awaiting an
// acknowledgement, escalated or waiting for the daily digest; acknowledging one for a recipient
// who answered by phone or fax; sending the waiting digests now.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/care/notifications.h"
#include "renkei/pipeline/pipeline.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei notifications --config FILE list [--state S] [--limit N]\n"
      "       renkei notifications --config FILE ack TOKEN --by NAME\n"
      "       renkei notifications --config FILE digest-now\n"
      "\n"
      "Notifications to care-team members in the configured store (works while the daemon runs):\n"
      "list them (newest first; shows the patient's event line, never more), acknowledge an\n"
      "urgent one for its recipient (who answered by phone or fax), or make every notification\n"
      "waiting for the daily digest due now (the daemon sends the digests within a second).\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to use\n"
      "  --state S           list: AWAITING, ESCALATED, ACKED, DIGEST or DIGESTED\n"
      "  --limit N           list: at most N (default 100)\n"
      "  --by NAME           ack: who acknowledged (recorded)\n",
      {"config", "state", "limit", "by"},
      {}};
  return s;
}

void printRows(const std::vector<store::NotificationRow>& rows) {
  std::cout << "id\tmessage\tstate\turgent\tdue\tdestination\trecipient\tacked_by\ttoken\tevent\n";
  for (const store::NotificationRow& n : rows) {
    std::cout << n.id << '\t' << n.messageId << '\t' << n.state << '\t' << (n.urgent ? "yes" : "no")
              << '\t' << localTimeText(n.dueMs) << '\t' << n.destination << '\t'
              << recipientText(n.recipient) << '\t' << (n.ackedBy.empty() ? "-" : n.ackedBy)
              << '\t' << n.token << '\t' << care::summaryText(n.summary) << '\n';
  }
}

}  // namespace

int runNotifications(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  const std::vector<std::string>& p = args.positionals();
  if (p.empty()) return usageError(spec(), "name an action");
  const std::string& action = p[0];
  if (action != "list" && action != "ack" && action != "digest-now") {
    return usageError(spec(), "unknown action '" + action + "'");
  }
  if (action == "ack" && (p.size() < 2 || !args.has("by"))) {
    return usageError(spec(), "ack needs TOKEN and --by NAME");
  }
  auto limit = args.integer("limit", 100);
  if (!limit.ok()) return usageError(spec(), limit.status().message());
  auto state = stateArgument(args, {store::kAwaiting, store::kEscalated, store::kAcked,
                                    store::kInDigest, store::kDigested});
  if (!state.ok()) return usageError(spec(), state.status().message());
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  store::Store& store = *configured->store;
  if (action == "list") {
    auto rows = store.notifications({state.value(), limit.value()});
    if (!rows.ok()) {
      printError(rows.status().toString());
      return 1;
    }
    printRows(rows.value());
    return 0;
  }
  if (action == "ack") {
    auto done = store.acknowledgeNotification(p[1], "", "operator: " + args.get("by"),
                                              pipeline::systemNowMs());
    if (!done.ok()) {
      printError(done.status().toString());
      return 1;
    }
    if (!done.value()) {
      printError("no notification awaiting acknowledgement has token " + p[1]);
      return 1;
    }
    std::cout << "notification " << p[1] << " acknowledged\n";
    return 0;
  }
  auto due = store.digestNow(pipeline::systemNowMs());
  if (!due.ok()) {
    printError(due.status().toString());
    return 1;
  }
  std::cout << due.value() << " notification(s) due for their digest now\n";
  return 0;
}

}  // namespace renkei::cli

// `renkei outbox --config FILE list|dead|show|retry|replay …`: the operator's view of the
// delivery queue in the configured store (works while the daemon runs). Prints no message
// content, only states, destinations, errors and receivers' responses.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/config/gateway_config.h"
#include "renkei/pipeline/pipeline.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei outbox --config FILE list [--state S] [--destination D] [--limit N]\n"
      "       renkei outbox --config FILE dead [--destination D]\n"
      "       renkei outbox --config FILE show OUTBOX_ID\n"
      "       renkei outbox --config FILE retry OUTBOX_ID\n"
      "       renkei outbox --config FILE replay MESSAGE_ID --to DESTINATION\n"
      "\n"
      "The delivery queue in the configured store (works while the daemon runs): list rows,\n"
      "list dead letters, show one row, make a RETRYING or DEAD row due now, or queue a routed\n"
      "message again to a destination. Prints no message content.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to use\n"
      "  --state S           list: only rows in this state (QUEUED, RETRYING, HELD, SENT, DEAD)\n"
      "  --destination D     list, dead: only rows for this sink\n"
      "  --limit N           list: at most N rows (default 100)\n"
      "  --to DESTINATION    replay: the sink to queue the message to\n",
      {"config", "state", "destination", "limit", "to"},
      {}};
  return s;
}

void printRows(const std::vector<store::OutboxRow>& rows) {
  std::cout << "id\tmessage\tdestination\tstate\tattempts\tnext_attempt\tlast_error\trecipient\n";
  for (const store::OutboxRow& r : rows) {
    const bool waiting = r.state == store::kRetrying || r.state == store::kQueued;
    std::cout << r.id << '\t' << r.messageId << '\t' << r.destination << '\t' << r.state << '\t'
              << r.attempts << '\t' << (waiting ? localTimeText(r.nextAttemptMs) : "-") << '\t'
              << r.lastError << '\t' << recipientText(r.recipient) << '\n';
  }
}

Result<int64_t> idArgument(const std::vector<std::string>& p, std::size_t at) {
  if (p.size() <= at) return Status::invalidInput(p[0] + " needs an id");
  try {
    return static_cast<int64_t>(std::stoll(p[at]));
  } catch (const std::exception&) {
    return Status::invalidInput("not an id: " + p[at]);
  }
}

}  // namespace

int runOutbox(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  const std::vector<std::string>& p = args.positionals();
  if (p.empty()) return usageError(spec(), "name an action");
  const std::string& action = p[0];
  if (action != "list" && action != "dead" && action != "show" && action != "retry" &&
      action != "replay") {
    return usageError(spec(), "unknown action '" + action + "'");
  }
  if (action == "replay" && !args.has("to")) return usageError(spec(), "replay needs --to");
  auto limit = args.integer("limit", 100);
  if (!limit.ok()) return usageError(spec(), limit.status().message());
  auto state = stateArgument(
      args, {store::kQueued, store::kRetrying, store::kHeld, store::kSent, store::kDead});
  if (!state.ok()) return usageError(spec(), state.status().message());
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  store::Store& store = *configured->store;
  if (action == "list" || action == "dead") {
    store::OutboxFilter filter;
    filter.state = action == "dead" ? store::kDead : state.value();
    filter.destination = args.get("destination");
    filter.limit = limit.value();
    auto rows = store.outbox(filter);
    if (!rows.ok()) {
      printError(rows.status().toString());
      return 1;
    }
    printRows(rows.value());
    return 0;
  }
  auto id = idArgument(p, 1);
  if (!id.ok()) return usageError(spec(), id.status().message());
  if (action == "show") {
    auto row = store.outboxRow(id.value());
    if (!row.ok() || !row.value()) {
      printError("no outbox row " + p[1]);
      return 1;
    }
    const store::OutboxRow& r = *row.value();
    printRows({r});
    std::cout << "idempotency_key\t" << r.idempotencyKey << "\ncreated\t"
              << localTimeText(r.createdMs) << "\nreceived\t" << localTimeText(r.receivedMs)
              << "\nresponse_body\t" << r.responseBody << '\n';
    auto message = store.message(r.messageId);
    if (message.ok() && message.value()) {
      std::cout << "message_state\t" << message.value()->state << "\nrouting\t"
                << message.value()->routing << '\n';
    }
    return 0;
  }
  if (action == "retry") {
    auto done = store.retryNow(id.value(), pipeline::systemNowMs());
    if (!done.ok() || !done.value()) {
      printError("outbox row " + p[1] + " is not RETRYING or DEAD");
      return 1;
    }
    std::cout << "outbox row " << p[1] << " is due now\n";
    return 0;
  }
  if (action == "replay") {
    auto replayed = store.replay(id.value(), args.get("to"), pipeline::systemNowMs());
    if (!replayed.ok()) {
      printError(replayed.status().message());
      return 1;
    }
    std::cout << "message " << p[1] << " queued again to " << args.get("to") << " as outbox row "
              << replayed.value() << '\n';
    return 0;
  }
  return usageError(spec(), "unknown action '" + action + "'");
}

}  // namespace renkei::cli

// `renkei faxes --config FILE list [--organization O] [--state S] [--limit N]`: the faxed forms
// kept for a person (the review queue), for the operator. Patient data stays out: no values.
#include <iostream>

#include "cli_support.h"
#include "commands.h"

namespace renkei::cli {
namespace {

const CommandSpec& faxesSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage =
        "usage: renkei faxes --config FILE list [--organization O] [--state S] [--limit N]\n"
        "\n"
        "Lists the faxed forms the fax_forms sources kept for a person: id, state (REVIEW,\n"
        "CONFIRMED, SUBMITTED, REJECTED), organization, form, received, file name and the fields\n"
        "still to confirm. No field values are printed.\n"
        "\n"
        "options:\n"
        "  --config FILE       the gateway config whose store to use\n"
        "  --organization O    one organization's faxes\n"
        "  --state S           only those in state S\n"
        "  --limit N           at most N (default 100)\n";
    c.valued = {"config", "organization", "state", "limit"};
    return c;
  }();
  return s;
}

/// Fields whose status is not "accepted" in a stored reading (a count; 0 when unreadable).
int openFields(const std::string& reading) {
  int open = 0;
  for (std::size_t at = 0; (at = reading.find("\"status\":\"review\"", at)) != std::string::npos; ++at) ++open;
  return open;
}

}  // namespace

int runFaxes(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, faxesSpec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(faxesSpec(), "--config is required");
  if (args.positionals().size() != 1 || args.positionals()[0] != "list") return usageError(faxesSpec(), "say list");
  auto limit = args.integer("limit", 100, 1);
  if (!limit.ok()) return usageError(faxesSpec(), limit.status().message());
  auto opened = openConfiguredStore(args.get("config"));
  if (!opened) return 2;
  auto documents = opened->store->faxDocuments(args.get("organization"), args.get("state"), limit.value());
  if (!documents.ok()) {
    printError(documents.status().message());
    return 2;
  }
  std::cout << "id\tstate\torganization\tform\treceived\tfile\tto_confirm\n";
  for (const store::FaxDocument& d : documents.value()) {
    std::cout << d.id << '\t' << d.state << '\t' << d.organization << '\t' << (d.form.empty() ? "-" : d.form) << '\t'
              << localTimeText(d.receivedMs) << '\t' << d.name << '\t' << openFields(d.reading) << '\n';
  }
  return 0;
}

}  // namespace renkei::cli

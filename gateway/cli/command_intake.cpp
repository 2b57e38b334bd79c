// `renkei intake --config FILE show ID | failed`: finds a received input from the message id a
// log line names (the log never carries file names, which can carry patient names), and lists
// what each watched folder put in failed/ (and each SS-MIX2 storage source left in place) with
// its reason. Prints to the operator's terminal only.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <rapidjson/document.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/file_io.h"
#include "renkei/pipeline/adapter_registry.h"

namespace renkei::cli {
namespace {
namespace fs = std::filesystem;

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei intake --config FILE show MESSAGE_ID\n"
      "       renkei intake --config FILE failed [--source NAME] [--limit N]\n"
      "\n"
      "show: one received input by the message id of a log line (\"message\":\"6\"): its source,\n"
      "sender, the file name it arrived as, when, its state, where the file is now (a watched\n"
      "folder's failed/ or done/) and why it failed. failed: the inputs in each watched folder's\n"
      "failed/ and the files each SS-MIX2 storage source did not take (left in place), newest\n"
      "first, with message id and reason (message 0: refused before the store, e.g. a link, an\n"
      "unreadable file or a file whose folders and content disagree). File names can carry patient names: they are printed\n"
      "here, never logged. Works while the daemon runs.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store and folders to read\n"
      "  --source NAME       failed: only this source\n"
      "  --limit N           failed: at most N inputs (default 100)\n",
      {"config", "source", "limit"},
      {}};
  return s;
}

/// A file a watched folder moved to failed/, as its reason file describes it.
struct FailedInput {
  std::string source;
  fs::path file;
  int64_t messageId = 0;
  std::string reason;
  int64_t mtimeMs = 0;
};

/// The sources of `type` in the config: (name, the folder named by `pathKey`).
std::vector<std::pair<std::string, fs::path>> sourcesOfType(const config::GatewayConfig& config,
                                                            const char* type, const char* pathKey) {
  std::vector<std::pair<std::string, fs::path>> out;
  for (const auto& [name, value] : config.sources) {
    if (pipeline::configString(*value, "type") == type) out.emplace_back(name, pipeline::configString(*value, pathKey));
  }
  return out;
}

/// The files an SS-MIX2 storage source did not take (they stay where they are: the storage is
/// read-only), as the store recorded them.
std::vector<FailedInput> storageProblems(store::Store& store, const std::string& source, const fs::path& root) {
  std::vector<FailedInput> out;
  auto files = store.sourceFiles(source);
  if (!files.ok()) return out;
  for (const store::SourceFileState& f : files.value()) {
    if (!f.problem.empty()) out.push_back({source, root / f.path, f.messageId, f.problem, f.seenMs});
  }
  return out;
}

/// Every `<name>.reason.json` in `folder`/failed/ (unreadable ones are skipped).
std::vector<FailedInput> failedInputs(const std::string& source, const fs::path& folder) {
  static const std::string kSuffix = ".reason.json";
  std::vector<FailedInput> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder / "failed", ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::size_t stem = name.size() - std::min(name.size(), kSuffix.size());
    if (stem == 0 || name.compare(stem, std::string::npos, kSuffix) != 0) continue;
    auto text = readFileLimited(it->path().string());
    if (!text.ok()) continue;
    rapidjson::Document doc;
    doc.Parse(text.value().data(), text.value().size());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    FailedInput f;
    f.source = source;
    f.file = folder / "failed" / name.substr(0, stem);
    if (doc.HasMember("message_id") && doc["message_id"].IsInt64()) {
      f.messageId = doc["message_id"].GetInt64();
    }
    if (doc.HasMember("reason") && doc["reason"].IsString()) f.reason = doc["reason"].GetString();
    const auto written = it->last_write_time(ec);
    if (!ec) {
      f.mtimeMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::file_clock::to_sys(written).time_since_epoch())
                      .count();
    }
    out.push_back(std::move(f));
  }
  return out;
}

int show(ConfiguredStore& configured, const std::string& idText) {
  int64_t id = 0;
  try {
    id = std::stoll(idText);
  } catch (const std::exception&) {
    return usageError(spec(), "not a message id: " + idText);
  }
  auto message = configured.store->message(id);
  if (!message.ok()) {
    printError(message.status().toString());
    return 1;
  }
  if (!message.value()) {
    printError("no message " + idText);
    return 1;
  }
  const store::StoredMessage& m = *message.value();
  std::cout << "message\t" << m.id << "\nsource\t" << m.source << "\nsender\t" << m.sender
            << "\nname\t" << m.name << "\nreceived\t" << localTimeText(m.receivedMs) << "\nstate\t"
            << m.state << "\nduplicates\t" << m.duplicates << '\n';
  for (const auto& [name, folder] : sourcesOfType(configured.config, "folder", "path")) {
    if (name != m.source) continue;
    for (const FailedInput& f : failedInputs(name, folder)) {
      if (f.messageId == m.id) std::cout << "location\t" << f.file.string() << '\n';
    }
    const fs::path done = folder / "done" / localTimeText(m.receivedMs).substr(0, 10) / m.name;
    std::error_code ec;
    if (m.state != store::kFailed && fs::exists(done, ec)) {
      std::cout << "location\t" << done.string() << '\n';
    }
  }
  for (const auto& [name, root] : sourcesOfType(configured.config, "ssmix2", "root")) {
    if (name != m.source) continue;
    auto files = configured.store->sourceFiles(name);
    if (!files.ok()) continue;
    for (const store::SourceFileState& f : files.value()) {
      if (f.messageId == m.id) std::cout << "location\t" << (root / f.path).string() << '\n';
    }
  }
  if (!m.error.empty()) std::cout << "error\t" << m.error << '\n';
  if (!m.routing.empty()) std::cout << "routing\t" << m.routing << '\n';
  return 0;
}

int listFailed(ConfiguredStore& configured, const Arguments& args, int64_t limit) {
  std::vector<FailedInput> all;
  for (const auto& [name, folder] : sourcesOfType(configured.config, "folder", "path")) {
    if (args.has("source") && args.get("source") != name) continue;
    for (FailedInput& f : failedInputs(name, folder)) all.push_back(std::move(f));
  }
  for (const auto& [name, root] : sourcesOfType(configured.config, "ssmix2", "root")) {
    if (args.has("source") && args.get("source") != name) continue;
    for (FailedInput& f : storageProblems(*configured.store, name, root)) all.push_back(std::move(f));
  }
  std::sort(all.begin(), all.end(),
            [](const FailedInput& a, const FailedInput& b) { return a.mtimeMs > b.mtimeMs; });
  std::cout << "message\tsource\tfailed_at\tfile\treason\n";
  for (std::size_t i = 0; i < all.size() && static_cast<int64_t>(i) < limit; ++i) {
    const FailedInput& f = all[i];
    std::cout << f.messageId << '\t' << f.source << '\t' << localTimeText(f.mtimeMs) << '\t'
              << f.file.string() << '\t' << f.reason << '\n';
  }
  return 0;
}

}  // namespace

int runIntake(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  const std::vector<std::string>& p = args.positionals();
  if (p.empty()) return usageError(spec(), "name an action (show or failed)");
  const std::string& action = p[0];
  if (action != "show" && action != "failed") {
    return usageError(spec(), "unknown action '" + action + "'");
  }
  if (action == "show" && p.size() != 2) return usageError(spec(), "show needs one message id");
  if (action == "failed" && p.size() != 1) {
    return usageError(spec(), "unexpected argument '" + p[1] + "'");
  }
  auto limit = args.integer("limit", 100);
  if (!limit.ok()) return usageError(spec(), limit.status().message());
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  if (action == "show") return show(*configured, p[1]);
  return listFailed(*configured, args, limit.value());
}

}  // namespace renkei::cli

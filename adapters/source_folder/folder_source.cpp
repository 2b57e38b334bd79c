// Folder source: the supervised polling loop, stability checks, the refusal of anything that is
// not a regular file with one name, and the processing/ → done/ | failed/ moves.
#include "folder_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/core/file_io.h"
#include "renkei/core/folder_names.h"
#include "renkei/core/folder_events.h"
#include "renkei/core/instance_lock.h"
#include "renkei/core/json_log.h"
#include "renkei/core/polling_loop.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/streamed_mapping.h"
#include "renkei/pipeline/normalizer.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::embedded {
extern const std::string_view kFolderSourceSchema;
}

namespace renkei::adapters {
namespace fs = std::filesystem;

void StabilityTracker::noteEvents(const std::map<std::string, int64_t>& finishedAtMs,
                                  std::set<std::string> writing) {
  for (const auto& [name, at] : finishedAtMs) finished_[name] = at;
  writing_ = std::move(writing);
}

std::vector<std::string> StabilityTracker::ready(const std::map<std::string, Seen>& observed,
                                                 int64_t nowMs, int64_t minAgeMs, int64_t stableMs) {
  std::vector<std::string> out;
  std::map<std::string, Sighting> next;
  for (const auto& [name, seen] : observed) {
    auto it = last_.find(name);
    const bool same =
        it != last_.end() && it->second.seen.size == seen.size && it->second.seen.mtimeMs == seen.mtimeMs;
    const int64_t since = same ? it->second.sinceMs : nowMs;
    next[name] = {seen, since};
    if (writing_.count(name) != 0) continue;
    auto finished = finished_.find(name);
    const bool finishedByWriter = finished != finished_.end() && seen.mtimeMs <= finished->second;
    const bool stable = same && nowMs - since >= stableMs;
    if ((stable || finishedByWriter) && nowMs - seen.mtimeMs >= minAgeMs) out.push_back(name);
  }
  last_ = std::move(next);
  for (auto it = finished_.begin(); it != finished_.end();) {
    it = observed.count(it->first) != 0 ? std::next(it) : finished_.erase(it);
  }
  return out;
}

namespace {

std::string today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

bool endsWith(const std::string& name, const std::string& suffix) {
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Whether a directory entry exists, without following it.
bool entryExists(const fs::path& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

/// The names in `dir` (not recursive); `what` names the folder in errors (never a file name).
Result<std::vector<std::string>> listNames(const fs::path& dir, const char* what) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return Status::unavailable(std::string("cannot list ") + what + ": " + ec.message());
  return names;
}

/// The reason file's JSON: what failed and, for a validation failure, its OperationOutcome.
std::string reasonJson(const std::string& file, const std::string& source, int64_t messageId,
                       const std::string& reason, const std::string& operationOutcome) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("file");
  w.String(file);
  w.Key("source");
  w.String(source);
  w.Key("message_id");
  w.Int64(messageId);
  w.Key("reason");
  w.String(reason);
  if (!operationOutcome.empty()) {
    w.Key("operation_outcome");
    w.RawValue(operationOutcome.data(), operationOutcome.size(), rapidjson::kObjectType);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

/// Where a file in processing/ goes once the source is done with it.
struct Finish {
  bool toDone = true;      ///< done/YYYY-MM-DD/, else failed/ with a reason file
  int64_t messageId = 0;
  std::string reason;
  std::string operationOutcome;
};

class FolderSource : public pipeline::Source {
 public:
  FolderSource(std::string name, FolderSourceOptions options, pipeline::Intake* intake,
               std::shared_ptr<pipeline::Metrics> metrics,
               std::shared_ptr<const mapping::MappingSet> mappings = nullptr)
      : name_(std::move(name)),
        options_(std::move(options)),
        intake_(intake),
        metrics_(std::move(metrics)),
        mappings_(std::move(mappings)) {}
  ~FolderSource() override { stop(); }

  Status start() override {
    std::error_code ec;
    for (const char* sub : {"processing", "done", "failed"}) {
      fs::create_directories(options_.path / sub, ec);
      if (ec) return Status::unavailable("source " + name_ + ": cannot create " + sub + "/");
    }
    // One instance per watched folder: a second one would take files from under the first.
    auto locked = InstanceLock::acquire(options_.path, "watched folder");
    if (!locked.ok()) {
      return Status(locked.status().code(), "source " + name_ + ": " + locked.status().message());
    }
    lock_.emplace(std::move(locked).value());
    loop_ = std::make_unique<PollingLoop>("source:" + name_, metrics_ ? metrics_->health() : nullptr,
                                          options_.pollMs, [this] { return pollOnce(); });
    auto events = FolderEvents::watch(options_.path, [this] { loop_->wake(); });
    if (events.ok()) {
      events_ = std::move(events).value();
    } else {
      JsonLog::write(LogLevel::Warn, "folder_events_unavailable",
                     {{"source", name_}, {"error", events.status().message()}});
    }
    loop_->start();
    return Status::okStatus();
  }

  void stop() override {
    if (!loop_) return;
    loop_->stop();  // the poll thread is joined before the events it reads go away
    events_.reset();
    loop_.reset();
    lock_.reset();
  }

 private:
  Status pollOnce() {
    retryUnmoved();
    // Files left in processing/ (a crash or a store outage) go first: they are already ours.
    // Those committed whose move failed are not submitted again; only their move is retried.
    auto leftovers = listNames(options_.path / "processing", "processing/");
    if (!leftovers.ok()) return leftovers.status();
    std::vector<std::string> claimed;
    for (const std::string& name : leftovers.value()) {
      if (claimed.size() >= static_cast<std::size_t>(options_.batch)) break;
      if (unmoved_.count(name) != 0) continue;
      struct stat st {};
      if (::lstat((options_.path / "processing" / name).c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) continue;  // directories are not inputs
      claimed.push_back(name);
    }
    if (claimed.empty()) {
      auto ready = claimReadyFiles();
      if (!ready.ok()) return ready.status();
      claimed = std::move(ready).value();
    }
    if (claimed.empty()) return Status::okStatus();
    // A full batch leaves more behind: the next poll starts at once.
    if (claimed.size() >= static_cast<std::size_t>(options_.batch)) loop_->wake();
    return process(claimed);
  }

  /// Entries of the inbox that have been stable long enough, moved to processing/. Looked at
  /// with lstat only: a link or a special file is never followed or opened, and is claimed like
  /// a file (its done-file is not waited for) so that process() refuses it with a reason.
  Result<std::vector<std::string>> claimReadyFiles() {
    if (events_) {
      FolderEvents::Observed events = events_->take();
      tracker_.noteEvents(events.finished, std::move(events.writing));
    }
    auto names = listNames(options_.path, "the inbox");
    if (!names.ok()) return names.status();
    const std::string& marker = options_.doneFileSuffix;
    std::map<std::string, StabilityTracker::Seen> observed;
    for (const std::string& name : names.value()) {
      if (ignoredName(name)) continue;
      struct stat st {};
      if (::lstat((options_.path / name).c_str(), &st) != 0) continue;  // gone meanwhile
      if (S_ISDIR(st.st_mode)) continue;  // processing/, done/, failed/ and other folders
      if (!marker.empty()) {
        if (endsWith(name, marker)) continue;  // a done-file itself: never read
        if (S_ISREG(st.st_mode) && !entryExists(options_.path / (name + marker))) continue;
      }
      observed[name] = {static_cast<std::uintmax_t>(st.st_size),
                        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000};
    }
    std::vector<std::string> ready = tracker_.ready(observed, pipeline::systemNowMs(), options_.minAgeMs,
                                                      options_.pollMs);
    std::vector<std::string> claimed;
    for (const std::string& name : ready) {
      if (claimed.size() >= static_cast<std::size_t>(options_.batch)) break;
      // A file of that name still waiting in processing/ for its move is never overwritten.
      if (entryExists(options_.path / "processing" / name)) continue;
      std::error_code mv;
      // rename moves the directory entry itself: a link is moved, never what it points to.
      fs::rename(options_.path / name, options_.path / "processing" / name, mv);
      if (mv) continue;  // gone or unreadable meanwhile: looked at again next poll
      tracker_.forget(name);
      if (!marker.empty()) fs::remove(options_.path / (name + marker), mv);
      claimed.push_back(name);
    }
    return claimed;
  }

  /// Reads the claimed files (regular files with one name only, never followed) and commits
  /// them; an error when the store could not take them now (they stay in processing/).
  Status process(const std::vector<std::string>& names) {
    std::vector<store::RawInput> inputs;
    std::vector<std::string> submitted;
    for (const std::string& name : names) {
      const std::string file = (options_.path / "processing" / name).string();
      auto identity = regularFileIdentity(file);
      if (identity.ok() && !options_.mapping.empty() && isLarge(file)) {
        Status streamed;
        try {
          streamed = processStreamed(name, identity.value());
        } catch (const std::exception& e) {
          // A defect met while mapping must not leave the file in processing/ to fail again at
          // every poll, holding up the files after it: it is refused with what was met.
          if (metrics_) metrics_->countIntake(name_, "failed");
          finish(name, {false, 0, std::string("mapping stopped on an internal error: ") + e.what(), ""});
          continue;
        }
        RENKEI_RETURN_IF_ERROR(streamed);
        continue;
      }
      const auto cap = static_cast<std::size_t>(options_.maxFileBytes);
      Result<std::string> bytes = identity.ok()
                                      ? readRegularFileNoFollow(file, cap, identity.value())
                                      : Result<std::string>(identity.status());
      if (!bytes.ok()) {
        if (bytes.status().code() == StatusCode::NotFound) continue;  // taken away by hand
        if (metrics_) metrics_->countIntake(name_, "failed");  // refused before the store
        finish(name, {false, 0, bytes.status().toString(), ""});
        continue;
      }
      if (options_.mapping.empty()) {
        inputs.push_back({name_, options_.sender, name, "", std::move(bytes).value(), "", ""});
        submitted.push_back(name);
        continue;
      }
      auto records = mappedInputs(name, bytes.value());
      if (!records.ok()) {
        if (metrics_) metrics_->countIntake(name_, "failed");
        finish(name, {false, 0, records.status().message(), ""});
        continue;
      }
      for (store::RawInput& input : records.value()) {
        inputs.push_back(std::move(input));
        submitted.push_back(name);
      }
    }
    if (inputs.empty()) return Status::okStatus();
    std::vector<pipeline::SubmitResult> results = intake_->submit(std::move(inputs));
    if (!options_.mapping.empty()) return finishMapped(submitted, results);
    Status retryLater;
    for (std::size_t i = 0; i < results.size() && i < submitted.size(); ++i) {
      const pipeline::SubmitResult& r = results[i];
      if (!r.committed.ok()) {
        if (pipeline::isPermanentFailure(r.committed)) {
          if (metrics_) metrics_->countIntake(name_, "failed");
          finish(submitted[i],
                 {false, 0, "the input could not be stored: " + r.committed.toString(), ""});
        } else {
          retryLater = r.committed;  // stays in processing/ and is tried again
        }
        continue;
      }
      if (r.state == store::kFailed) {
        finish(submitted[i], {false, r.messageId,
                              "the input could not be normalized, validated or stored (see "
                              "operation_outcome)",
                              r.error});
      } else {
        finish(submitted[i], {true, r.messageId, "", ""});
      }
    }
    return retryLater;
  }

  /// One input per record of a file in a mapped layout, each with the record's own bytes (the
  /// header and its rows as they are in the file), keyed by the file's SHA-256 and the line;
  /// an error (the file goes to failed/) when no mapping takes it, it cannot be read as its
  /// layout, or none of its rows makes a record — the reason names the rows and columns.
  Result<std::vector<store::RawInput>> mappedInputs(const std::string& name, const std::string& bytes) {
    const mapping::Mapping* m = pickMapping(name, bytes);
    if (m == nullptr) return Status::invalidInput("no mapping recognises this file (mapping: " + options_.mapping + ")");
    // The records' bytes are committed; the Normalizer maps each one (so a replay maps it again).
    auto outcome = mapping::mapFile(*m, bytes, name, {}, mapping::MapMode::RecordsOnly);
    if (!outcome.ok()) return Status::invalidInput("mapping " + m->id + ": " + outcome.status().message());
    const std::string problems = describe(outcome->issues, outcome->issues.size());
    if (outcome->rejected || outcome->records.empty()) {
      return Status::invalidInput("mapping " + m->id + ": " +
                                  (outcome->rejected ? "the file is all-or-nothing and rows were refused: "
                                                     : "no record: ") + problems);
    }
    const std::string fileKey = sha256Hex(bytes) + ":" + m->id;
    rowProblems_[name] = problems;
    std::vector<std::string> slices = mapping::recordSlices(bytes, outcome.value());
    std::vector<store::RawInput> out;
    for (std::size_t i = 0; i < slices.size(); ++i) {
      const int64_t line = outcome->records[i].line;
      out.push_back({name_, options_.sender, pipeline::mappedInputName(name, m->id, line),
                     fileKey + "@L" + std::to_string(line), std::move(slices[i]), "", ""});
    }
    return out;
  }

  bool isLarge(const std::string& file) const {
    struct stat st {};
    return ::lstat(file.c_str(), &st) == 0 && st.st_size > options_.streamAboveBytes;
  }

  /// A mapped file too large to hold: read twice through one checked descriptor — first for its
  /// digest (the records' keys) and, when the mapping is all-or-nothing, to check every row —
  /// then mapped in slices whose records are committed batch by batch. After a crash or a stop
  /// the file is read again from the start and the committed records are found by their keys.
  /// An error (the file stays in processing/) when the store cannot take a batch now.
  Status processStreamed(const std::string& name, const FileIdentity& identity) {
    const std::string file = (options_.path / "processing" / name).string();
    auto refuse = [&](const std::string& reason) {
      if (metrics_) metrics_->countIntake(name_, "failed");
      finish(name, {false, 0, reason, ""});
      return Status::okStatus();
    };
    auto stream = RegularFileStream::open(file, identity);
    if (!stream.ok()) return stream.status().code() == StatusCode::NotFound ? Status::okStatus()
                                                                           : refuse(stream.status().toString());
    if (stream->size() > static_cast<uint64_t>(options_.maxStreamedFileBytes)) {
      return refuse("the file is " + std::to_string(stream->size()) + " bytes, over the limit of " +
                    std::to_string(options_.maxStreamedFileBytes));
    }
    constexpr std::size_t kPiece = 1 << 20;
    std::string piece;
    auto more = stream->read(64 * 1024, piece);
    if (!more.ok()) return refuse(more.status().toString());
    const mapping::Mapping* m = pickMapping(name, piece);
    if (m == nullptr) return refuse("no mapping recognises this file (mapping: " + options_.mapping + ")");
    Sha256 digest;
    mapping::StreamedMapping::Options only;
    only.sliceBytes = static_cast<std::size_t>(options_.streamAboveBytes);
    only.mode = mapping::MapMode::RecordsOnly;
    only.recordBytes = false;
    mapping::StreamedMapping check(*m, name, only);
    std::vector<mapping::StreamedRecord> unused;
    Status checked;
    for (;;) {
      digest.update(piece);
      if (m->allOrNothing && checked.ok()) {
        checked = check.feed(piece, unused);
        unused.clear();
      }
      if (!more.value()) break;
      piece.clear();
      more = stream->read(kPiece, piece);
      if (!more.ok()) return refuse(more.status().toString());
    }
    if (m->allOrNothing) {
      if (checked.ok()) checked = check.finish(unused);
      if (!checked.ok()) return refuse("mapping " + m->id + ": " + checked.message());
      if (check.rejected()) {
        return refuse("mapping " + m->id + ": the file is all-or-nothing and rows were refused: " +
                      describe(check.issues(), check.issueCount()));
      }
    }
    const std::string fileKey = digest.hex() + ":" + m->id;
    RENKEI_RETURN_IF_ERROR(stream->rewind());
    mapping::StreamedMapping::Options recordsOnly;
    recordsOnly.sliceBytes = static_cast<std::size_t>(options_.streamAboveBytes);
    recordsOnly.mode = mapping::MapMode::RecordsOnly;
    mapping::StreamedMapping mapped(*m, name, recordsOnly);
    std::vector<mapping::StreamedRecord> records;
    std::string problems;
    int64_t firstMessage = 0;
    bool end = false;
    while (!end) {
      piece.clear();
      more = stream->read(kPiece, piece);
      if (!more.ok()) return refuse(more.status().toString());
      Status fed = mapped.feed(piece, records);
      if (fed.ok() && !more.value()) {
        fed = mapped.finish(records);
        end = true;
      }
      if (!fed.ok()) {
        problems = "mapping " + m->id + ": " + fed.message();
        end = true;
      }
      if (records.empty()) continue;
      std::vector<store::RawInput> inputs;
      for (mapping::StreamedRecord& r : records) {
        const int64_t line = r.record.line;
        inputs.push_back({name_, options_.sender, pipeline::mappedInputName(name, m->id, line),
                          fileKey + "@L" + std::to_string(line), std::move(r.bytes), "", ""});
      }
      records.clear();
      for (const pipeline::SubmitResult& r : intake_->submit(std::move(inputs))) {
        if (!r.committed.ok()) return r.committed;  // stays in processing/; done records are found by key
        if (firstMessage == 0) firstMessage = r.messageId;
        if (r.state == store::kFailed) {
          problems += (problems.empty() ? "" : "; ") + std::string("message ") + std::to_string(r.messageId) +
                      " (a record) failed validation";
        }
      }
      if (stopping()) return Status::okStatus();  // read again from the start after the restart
    }
    if (mapped.issueCount() > 0) {
      problems += (problems.empty() ? "" : "; ") + describe(mapped.issues(), mapped.issueCount());
    }
    if (problems.empty()) {
      finish(name, {true, firstMessage, "", ""});
    } else {
      finish(name, {false, firstMessage, "some records were not accepted: " + problems, ""});
    }
    return Status::okStatus();
  }

  const mapping::Mapping* pickMapping(const std::string& name, std::string_view bytes) const {
    if (!mappings_) return nullptr;
    return mappings_->choose(options_.mapping, name, bytes);
  }

  bool stopping() const { return loop_->stopping(); }

  /// Row issues as a reason names them: line, column and why (never content).
  static std::string describe(const std::vector<mapping::RowIssue>& issues, std::size_t total) {
    std::string out;
    for (const auto& issue : issues) {
      out += (out.empty() ? "" : "; ") + std::string("line ") + std::to_string(issue.line) + ", column '" +
             issue.column + "': " + issue.message;
    }
    if (total > issues.size()) out += "; and " + std::to_string(total - issues.size()) + " more";
    return out;
  }

  /// A mapped file is done when every record was committed: to done/ when every record was
  /// accepted and no row was refused, else to failed/ with the refused rows and records named
  /// (the records that were accepted go on; the reason says which).
  Status finishMapped(const std::vector<std::string>& files, const std::vector<pipeline::SubmitResult>& results) {
    Status retryLater;
    std::map<std::string, std::vector<const pipeline::SubmitResult*>> byFile;
    for (std::size_t i = 0; i < results.size() && i < files.size(); ++i) byFile[files[i]].push_back(&results[i]);
    for (const auto& [file, rs] : byFile) {
      std::string problems = rowProblems_[file];
      rowProblems_.erase(file);
      bool pending = false;
      int64_t firstMessage = 0;
      for (const pipeline::SubmitResult* r : rs) {
        if (!r->committed.ok()) {
          pending = true;
          retryLater = r->committed;
          continue;
        }
        if (firstMessage == 0) firstMessage = r->messageId;
        if (r->state == store::kFailed) {
          problems += (problems.empty() ? "" : "; ") + std::string("message ") + std::to_string(r->messageId) +
                      " (a record) failed validation";
        }
      }
      if (pending) continue;  // stays in processing/; its records are found again by key
      if (problems.empty()) {
        finish(file, {true, firstMessage, "", ""});
      } else {
        finish(file, {false, firstMessage, "some records were not accepted: " + problems, ""});
      }
    }
    return retryLater;
  }

  /// Moves a file out of processing/; one that cannot be moved is remembered and only its move
  /// is retried on later polls (it is never submitted again).
  void finish(const std::string& name, Finish f) {
    Status moved = move(name, f);
    if (moved.ok()) return;
    JsonLog::write(LogLevel::Warn, "input_move_failed",
                   {{"source", name_},
                    {"message", std::to_string(f.messageId)},
                    {"to", f.toDone ? "done" : "failed"},
                    {"error", moved.message()}});
    if (metrics_) metrics_->countFileMoveFailure(name_);
    unmoved_[name] = std::move(f);
  }

  void retryUnmoved() {
    for (auto it = unmoved_.begin(); it != unmoved_.end();) {
      if (!entryExists(options_.path / "processing" / it->first)) {
        it = unmoved_.erase(it);  // moved away by hand
      } else if (move(it->first, it->second).ok()) {
        JsonLog::write(LogLevel::Info, "input_moved",
                       {{"source", name_}, {"message", std::to_string(it->second.messageId)}});
        it = unmoved_.erase(it);
      } else {
        ++it;
      }
    }
  }

  /// processing/<name> to done/YYYY-MM-DD/ or to failed/ — then, for failed/, its reason file
  /// beside it. Errors name no file.
  Status move(const std::string& name, const Finish& f) {
    std::error_code ec;
    const fs::path dir = f.toDone ? options_.path / "done" / today() : options_.path / "failed";
    if (f.toDone) {
      fs::create_directories(dir, ec);
      if (ec) return Status::unavailable("cannot create done/" + today() + "/: " + ec.message());
    }
    auto target = freePath(dir, name);
    if (!target.ok()) return target.status();
    fs::rename(options_.path / "processing" / name, target.value(), ec);
    if (ec) return Status::unavailable("cannot move the file: " + ec.message());
    if (f.toDone) return Status::okStatus();
    // The input first, then its reason: a reason file always has its input beside it.
    Status written = writeFileAtomically(target.value().string() + ".reason.json",
                                         reasonJson(name, name_, f.messageId, f.reason,
                                                    f.operationOutcome));
    JsonLog::write(LogLevel::Warn, "input_failed",
                   {{"source", name_},
                    {"message", std::to_string(f.messageId)},
                    {"reason", f.reason},
                    {"reason_file", written.ok() ? "written" : written.message()}});
    return Status::okStatus();
  }

  std::string name_;
  FolderSourceOptions options_;
  pipeline::Intake* intake_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  StabilityTracker tracker_;
  std::map<std::string, Finish> unmoved_;  ///< committed or refused, not moved yet (poll thread only)
  std::shared_ptr<const mapping::MappingSet> mappings_;
  std::map<std::string, std::string> rowProblems_;  ///< file → rows its mapping refused (poll thread)
  std::unique_ptr<PollingLoop> loop_;
  std::unique_ptr<FolderEvents> events_;
  std::optional<InstanceLock> lock_;  ///< held from start() to stop()
};

}  // namespace

void registerFolderSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "folder", embedded::kFolderSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        const rapidjson::Value& c = *ctx.config;
        FolderSourceOptions o;
        o.path = pipeline::configString(c, "path");
        o.sender = pipeline::configString(c, "sender");
        o.pollMs = pipeline::configInt(c, "poll_ms", o.pollMs);
        o.minAgeMs = pipeline::configInt(c, "min_age_ms", o.minAgeMs);
        o.maxFileBytes = pipeline::configInt(c, "max_file_bytes", o.maxFileBytes);
        o.batch = static_cast<int>(pipeline::configInt(c, "batch", o.batch));
        o.doneFileSuffix = pipeline::configString(c, "done_file_suffix");
        o.mapping = pipeline::configString(c, "mapping");
        o.streamAboveBytes = pipeline::configInt(c, "stream_above_bytes", o.streamAboveBytes);
        o.maxStreamedFileBytes = pipeline::configInt(c, "max_streamed_file_bytes", o.maxStreamedFileBytes);
        if (!o.mapping.empty() && !ctx.mappings) {
          return Status::invalidInput("source " + ctx.name + ": mapping '" + o.mapping + "' but no mappings are loaded");
        }
        std::error_code ec;
        fs::create_directories(o.path, ec);
        if (ec) return Status::unavailable("source " + ctx.name + ": cannot create " + o.path.string());
        return std::shared_ptr<pipeline::Source>(
            std::make_shared<FolderSource>(ctx.name, std::move(o), ctx.intake, ctx.metrics, ctx.mappings));
      });
}

}  // namespace renkei::adapters

// Folder source: the supervised polling loop, stability checks, the refusal of anything that is
// not a regular file with one name, and the processing/ → done/ | failed/ moves.
#include "folder_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/file_io.h"
#include "renkei/core/json_log.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"

namespace renkei::embedded {
extern const std::string_view kFolderSourceSchema;
}

namespace renkei::adapters {
namespace fs = std::filesystem;

bool ignoredName(const std::string& name) {
  auto endsWith = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return name.empty() || name[0] == '.' || endsWith(".tmp") || endsWith(".part") ||
         endsWith(".reason.json");
}

std::vector<std::string> StabilityTracker::ready(const std::map<std::string, Seen>& observed,
                                                 int64_t nowMs, int64_t minAgeMs) {
  std::vector<std::string> out;
  std::map<std::string, Seen> next;
  for (const auto& [name, seen] : observed) {
    auto it = last_.find(name);
    if (it != last_.end() && it->second.size == seen.size && it->second.mtimeMs == seen.mtimeMs &&
        nowMs - seen.mtimeMs >= minAgeMs) {
      out.push_back(name);
    }
    next[name] = seen;
  }
  last_ = std::move(next);
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
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
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

/// `dir/name`, or `dir/stem-<n>.ext` when taken, so nothing is overwritten; an error when the
/// folder cannot be looked at (e.g. it is not a folder).
Result<fs::path> freePath(const fs::path& dir, const std::string& name) {
  const fs::path stem = fs::path(name).stem();
  const fs::path ext = fs::path(name).extension();
  fs::path p = dir / name;
  for (int n = 1; n <= 100000; ++n) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p;
      return Status::unavailable(std::string("cannot look into the target folder: ") +
                                 std::strerror(errno));
    }
    p = dir / (stem.string() + "-" + std::to_string(n) + ext.string());
  }
  return Status::unavailable("no free name in the target folder");
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
               std::shared_ptr<pipeline::Metrics> metrics)
      : name_(std::move(name)),
        options_(std::move(options)),
        intake_(intake),
        metrics_(std::move(metrics)) {}
  ~FolderSource() override { stop(); }

  Status start() override {
    std::error_code ec;
    for (const char* sub : {"processing", "done", "failed"}) {
      fs::create_directories(options_.path / sub, ec);
      if (ec) return Status::unavailable("source " + name_ + ": cannot create " + sub + "/");
    }
    {
      std::lock_guard lock(mutex_);
      running_ = true;
    }
    loop_ = std::make_unique<SupervisedLoop>("source:" + name_,
                                             metrics_ ? metrics_->health() : nullptr,
                                             [this] { return round(); });
    loop_->start();
    return Status::okStatus();
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (!running_) return;
      running_ = false;
    }
    loop_->requestStop();
    wake_.notify_all();
    loop_->join();
  }

 private:
  /// One poll, then the wait until the next (a failed poll is retried after the loop's backoff).
  Status round() {
    RENKEI_RETURN_IF_ERROR(pollOnce());
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMs), [&] { return !running_; });
    return Status::okStatus();
  }

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
    return process(claimed);
  }

  /// Entries of the inbox that have been stable long enough, moved to processing/. Looked at
  /// with lstat only: a link or a special file is never followed or opened, and is claimed like
  /// a file (its done-file is not waited for) so that process() refuses it with a reason.
  Result<std::vector<std::string>> claimReadyFiles() {
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
    std::vector<std::string> ready = tracker_.ready(observed, pipeline::systemNowMs(), options_.minAgeMs);
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
      const auto cap = static_cast<std::size_t>(options_.maxFileBytes);
      Result<std::string> bytes = identity.ok()
                                      ? readRegularFileNoFollow(file, cap, identity.value())
                                      : Result<std::string>(identity.status());
      if (!bytes.ok()) {
        if (bytes.status().code() == StatusCode::NotFound) continue;  // taken away by hand
        finish(name, {false, 0, bytes.status().toString(), ""});
        continue;
      }
      inputs.push_back({name_, options_.sender, name, "", std::move(bytes).value(), ""});
      submitted.push_back(name);
    }
    if (inputs.empty()) return Status::okStatus();
    std::vector<pipeline::SubmitResult> results = intake_->submit(std::move(inputs));
    Status retryLater;
    for (std::size_t i = 0; i < results.size() && i < submitted.size(); ++i) {
      const pipeline::SubmitResult& r = results[i];
      if (!r.committed.ok()) {
        if (pipeline::isPermanentFailure(r.committed)) {
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
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  std::unique_ptr<SupervisedLoop> loop_;
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
        std::error_code ec;
        fs::create_directories(o.path, ec);
        if (ec) return Status::unavailable("source " + ctx.name + ": cannot create " + o.path.string());
        return std::shared_ptr<pipeline::Source>(
            std::make_shared<FolderSource>(ctx.name, std::move(o), ctx.intake, ctx.metrics));
      });
}

}  // namespace renkei::adapters

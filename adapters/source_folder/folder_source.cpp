// Folder source: polling thread, stability checks, the processing/ → done/ | failed/ moves.
#include "folder_source.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <mutex>
#include <thread>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/file_io.h"
#include "renkei/core/json_log.h"
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

/// `dir/name`, or `dir/stem-<n>.ext` when taken, so nothing is overwritten.
fs::path freePath(const fs::path& dir, const std::string& name) {
  fs::path p = dir / name;
  const fs::path stem = fs::path(name).stem();
  const fs::path ext = fs::path(name).extension();
  for (int n = 1; fs::exists(p); ++n) {
    p = dir / (stem.string() + "-" + std::to_string(n) + ext.string());
  }
  return p;
}

class FolderSource : public pipeline::Source {
 public:
  FolderSource(std::string name, FolderSourceOptions options, pipeline::Intake* intake)
      : name_(std::move(name)), options_(std::move(options)), intake_(intake) {}
  ~FolderSource() override { stop(); }

  Status start() override {
    std::error_code ec;
    for (const char* sub : {"processing", "done", "failed"}) {
      fs::create_directories(options_.path / sub, ec);
      if (ec) return Status::unavailable("source " + name_ + ": cannot create " + sub + "/");
    }
    running_ = true;
    thread_ = std::thread([this] { loop(); });
    return Status::okStatus();
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (!running_) return;
      running_ = false;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    while (true) {
      pollOnce();
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMs), [&] { return !running_; })) {
        return;
      }
    }
  }

  void pollOnce() {
    // Files left in processing/ (a crash or a store outage) go first: they are already ours.
    std::vector<std::string> claimed;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(options_.path / "processing", ec)) {
      if (e.is_regular_file(ec)) claimed.push_back(e.path().filename().string());
      if (claimed.size() >= static_cast<std::size_t>(options_.batch)) break;
    }
    if (claimed.empty()) claimed = claimReadyFiles();
    if (!claimed.empty()) process(claimed);
  }

  std::vector<std::string> claimReadyFiles() {
    std::map<std::string, StabilityTracker::Seen> observed;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(options_.path, ec)) {
      const std::string name = e.path().filename().string();
      if (ignoredName(name) || !e.is_regular_file(ec)) continue;
      if (!options_.doneFileSuffix.empty()) {
        if (name.size() > options_.doneFileSuffix.size() &&
            name.compare(name.size() - options_.doneFileSuffix.size(),
                         options_.doneFileSuffix.size(), options_.doneFileSuffix) == 0) {
          continue;
        }
        if (!fs::exists(options_.path / (name + options_.doneFileSuffix), ec)) continue;
      }
      struct stat st {};
      if (::stat(e.path().c_str(), &st) != 0) continue;
      observed[name] = {static_cast<std::uintmax_t>(st.st_size),
                        static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000};
    }
    std::vector<std::string> ready = tracker_.ready(observed, pipeline::systemNowMs(), options_.minAgeMs);
    std::vector<std::string> claimed;
    for (const std::string& name : ready) {
      if (claimed.size() >= static_cast<std::size_t>(options_.batch)) break;
      std::error_code mv;
      fs::rename(options_.path / name, options_.path / "processing" / name, mv);
      if (mv) continue;  // gone or unreadable meanwhile: looked at again next poll
      tracker_.forget(name);
      if (!options_.doneFileSuffix.empty()) {
        fs::remove(options_.path / (name + options_.doneFileSuffix), mv);
      }
      claimed.push_back(name);
    }
    return claimed;
  }

  void process(const std::vector<std::string>& names) {
    std::vector<store::RawInput> inputs;
    std::vector<std::string> submitted;
    for (const std::string& name : names) {
      const fs::path file = options_.path / "processing" / name;
      auto bytes = readFileLimited(file.string(), static_cast<std::size_t>(options_.maxFileBytes));
      if (!bytes.ok()) {
        fail(name, 0, bytes.status().toString(), "");
        continue;
      }
      inputs.push_back({name_, options_.sender, name, "", std::move(bytes).value()});
      submitted.push_back(name);
    }
    if (inputs.empty()) return;
    std::vector<pipeline::SubmitResult> results = intake_->submit(std::move(inputs));
    for (std::size_t i = 0; i < results.size(); ++i) {
      const pipeline::SubmitResult& r = results[i];
      if (!r.committed.ok()) continue;  // stays in processing/ and is tried again
      if (r.state == store::kFailed) {
        fail(submitted[i], r.messageId, "the input could not be normalized or validated", r.error);
      } else {
        done(submitted[i]);
      }
    }
  }

  void done(const std::string& name) {
    std::error_code ec;
    const fs::path dir = options_.path / "done" / today();
    fs::create_directories(dir, ec);
    fs::rename(options_.path / "processing" / name, freePath(dir, name), ec);
  }

  void fail(const std::string& name, int64_t messageId, const std::string& reason,
            const std::string& operationOutcome) {
    std::error_code ec;
    const fs::path target = freePath(options_.path / "failed", name);
    // The input first, then its reason: a reason file always has its input beside it.
    fs::rename(options_.path / "processing" / name, target, ec);
    Status written = writeFileAtomically(target.string() + ".reason.json",
                                         reasonJson(name, name_, messageId, reason, operationOutcome));
    JsonLog::write(LogLevel::Warn, "input_failed",
                   {{"source", name_},
                    {"message", std::to_string(messageId)},
                    {"reason_file", written.ok() ? "written" : written.message()}});
  }

  std::string name_;
  FolderSourceOptions options_;
  pipeline::Intake* intake_;
  StabilityTracker tracker_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  std::thread thread_;
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
            std::make_shared<FolderSource>(ctx.name, std::move(o), ctx.intake));
      });
}

}  // namespace renkei::adapters

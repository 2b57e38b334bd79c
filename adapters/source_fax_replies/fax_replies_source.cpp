// fax_replies source: the poll over the folder, reading each fax's codes, acknowledging, moving.
#include "fax_replies_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/forms/fax_pages.h"
#include "renkei/forms/qr_codes.h"
#include "sheet_reply.h"
#include "renkei/core/file_io.h"
#include "renkei/core/folder_names.h"
#include "renkei/core/instance_lock.h"
#include "renkei/core/json_log.h"
#include "renkei/core/polling_loop.h"
#include "renkei/core/time_text.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"

namespace renkei::embedded {
extern const std::string_view kFaxRepliesSourceSchema;
}

namespace renkei::adapters {
namespace {

namespace fs = std::filesystem;

struct FaxRepliesOptions {
  fs::path path;
  int64_t pollMs = 1000;
  int64_t minAgeMs = 2000;
  int64_t maxFileBytes = 50 << 20;
  forms::FaxLimits limits;
};

std::string reasonJson(const std::string& name, const std::string& source, const std::string& reason) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("file");
  w.String(name.c_str());
  w.Key("source");
  w.String(source.c_str());
  w.Key("reason");
  w.String(reason.c_str());
  w.EndObject();
  return buffer.GetString();
}

class FaxRepliesSource : public pipeline::Source {
 public:
  FaxRepliesSource(std::string name, FaxRepliesOptions options, std::shared_ptr<store::Store> store,
                   std::shared_ptr<pipeline::Metrics> metrics)
      : name_(std::move(name)), options_(std::move(options)), store_(std::move(store)),
        metrics_(std::move(metrics)) {}
  ~FaxRepliesSource() override { stop(); }

  Status start() override {
    std::error_code ec;
    fs::create_directories(options_.path / "failed", ec);
    if (ec) return Status::unavailable("source " + name_ + ": cannot create failed/: " + ec.message());
    // One reader per folder: two would acknowledge and move the same fax.
    auto locked = InstanceLock::acquire(options_.path, "fax_replies folder");
    if (!locked.ok()) return locked.status();
    lock_.emplace(std::move(locked).value());
    loop_ = std::make_unique<PollingLoop>("source:" + name_, metrics_ ? metrics_->health() : nullptr,
                                          options_.pollMs, [this] { return round(); });
    loop_->start();
    return Status::okStatus();
  }

  void stop() override {
    if (loop_) loop_->stop();
    lock_.reset();
  }

 private:
  Status round() {
    std::error_code ec;
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(options_.path, ec)) {
      const std::string name = e.path().filename().string();
      if (!ignoredName(name)) names.push_back(name);
    }
    if (ec) return Status::unavailable("cannot list the folder: " + ec.message());
    const int64_t now = pipeline::systemNowMs();
    for (const std::string& name : names) {
      if (loop_ && loop_->stopping()) break;
      struct stat st {};
      const std::string path = (options_.path / name).string();
      if (::lstat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;  // done/, failed/
      if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
        RENKEI_RETURN_IF_ERROR(fail(name, std::string("not a regular file with one name (") +
                                              fileKindName(st.st_mode) + "): never followed"));
        continue;
      }
      const int64_t mtimeMs = int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1'000'000;
      if (now - mtimeMs < options_.minAgeMs) continue;  // may still be being written
      if (st.st_size > options_.maxFileBytes) {
        RENKEI_RETURN_IF_ERROR(fail(name, "larger than max_file_bytes (" +
                                              std::to_string(options_.maxFileBytes) + ")"));
        continue;
      }
      RENKEI_RETURN_IF_ERROR(take(name, path, now));
    }
    return Status::okStatus();
  }

  /// Reads one fax, acknowledges what its codes name, and moves it.
  Status take(const std::string& name, const std::string& path, int64_t now) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return Status::okStatus();  // gone or swapped since the listing: next poll
    auto pages = forms::readFaxPages(fd, name, options_.limits);
    if (!pages.ok()) return fail(name, "cannot read the fax: " + pages.status().message());
    std::set<std::string> tokens;
    for (const forms::GrayPage& page : pages.value()) {
      for (const std::string& code : forms::qrCodes(page)) {
        if (auto reply = sheetReply(code)) tokens.insert(reply->token);
      }
    }
    if (tokens.empty()) {
      return fail(name, "no Renkei QR code on its " + std::to_string(pages->size()) +
                            " page(s): for a person to read");
    }
    int acknowledged = 0;
    for (const std::string& token : tokens) {
      auto done = store_->acknowledgeNotification(token, "", "fax reply " + name, now);
      if (!done.ok()) return done.status();  // the store is down: the file waits for the next poll
      acknowledged += done.value() ? 1 : 0;
    }
    if (acknowledged == 0) {
      return fail(name, "its QR code names no notification awaiting acknowledgement (a sheet that "
                        "asked for none, or one acknowledged already)");
    }
    JsonLog::write(LogLevel::Info, "fax_reply_acknowledged",
                   {{"source", name_}, {"notifications", std::to_string(acknowledged)}});
    return moveTo(name, options_.path / "done" / localDateAt(now));
  }

  Status moveTo(const std::string& name, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::unavailable("cannot create " + dir.filename().string() + ": " + ec.message());
    auto target = freePath(dir, name);
    if (!target.ok()) return target.status();
    fs::rename(options_.path / name, target.value(), ec);
    if (ec) return Status::unavailable("cannot move a fax: " + ec.message());
    return Status::okStatus();
  }

  /// To failed/, the reason beside it. Errors name no file.
  Status fail(const std::string& name, const std::string& reason) {
    auto target = freePath(options_.path / "failed", name);
    if (!target.ok()) return target.status();
    std::error_code ec;
    fs::rename(options_.path / name, target.value(), ec);
    if (ec) return Status::unavailable("cannot move a fax to failed/: " + ec.message());
    Status written =
        writeFileAtomically(target.value().string() + ".reason.json", reasonJson(name, name_, reason));
    JsonLog::write(LogLevel::Warn, "fax_reply_failed",
                   {{"source", name_}, {"reason", reason},
                    {"reason_file", written.ok() ? "written" : written.message()}});
    return Status::okStatus();
  }

  std::string name_;
  FaxRepliesOptions options_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  std::unique_ptr<PollingLoop> loop_;
  std::optional<InstanceLock> lock_;  ///< held from start() to stop()
};

}  // namespace

void registerFaxRepliesSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "fax_replies", embedded::kFaxRepliesSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        if (!ctx.store) return Status::invalidInput("source " + ctx.name + ": needs the store");
        const rapidjson::Value& c = *ctx.config;
        FaxRepliesOptions o;
        o.path = pipeline::configString(c, "path");
        o.pollMs = pipeline::configInt(c, "poll_ms", o.pollMs);
        o.minAgeMs = pipeline::configInt(c, "min_age_ms", o.minAgeMs);
        o.maxFileBytes = pipeline::configInt(c, "max_file_bytes", o.maxFileBytes);
        o.limits.maxPages = static_cast<int>(pipeline::configInt(c, "max_pages", o.limits.maxPages));
        std::error_code ec;
        if (!fs::is_directory(o.path, ec)) {
          return Status::invalidInput("source " + ctx.name + ": " + o.path.string() + " is not a folder");
        }
        return std::shared_ptr<pipeline::Source>(
            std::make_shared<FaxRepliesSource>(ctx.name, std::move(o), ctx.store, ctx.metrics));
      });
}

}  // namespace renkei::adapters

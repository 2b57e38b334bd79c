// fax_replies source: the poll over the folder, reading each fax's codes, acknowledging, moving.
#include "fax_replies_source.h"

#include <fcntl.h>

#include <filesystem>
#include <optional>
#include <set>

#include "renkei/forms/fax_pages.h"
#include "renkei/forms/qr_codes.h"
#include "sheet_reply.h"
#include "renkei/core/inbox_folder.h"
#include "renkei/core/instance_lock.h"
#include "renkei/core/json_log.h"
#include "renkei/core/polling_loop.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"

namespace renkei::embedded {
extern const std::string_view kFaxRepliesSourceSchema;
}

namespace renkei::adapters {
namespace {

namespace fs = std::filesystem;

struct FaxRepliesOptions {
  InboxOptions inbox;
  int64_t pollMs = 1000;
  forms::FaxLimits limits;
};

class FaxRepliesSource : public pipeline::Source {
 public:
  FaxRepliesSource(std::string name, FaxRepliesOptions options, std::shared_ptr<store::Store> store,
                   std::shared_ptr<pipeline::Metrics> metrics)
      : name_(name), options_(std::move(options)), inbox_(std::move(name), "fax_reply", options_.inbox),
        store_(std::move(store)), metrics_(std::move(metrics)) {}
  ~FaxRepliesSource() override { stop(); }

  Status start() override {
    RENKEI_RETURN_IF_ERROR(inbox_.prepare());
    // One reader per folder: two would acknowledge and move the same fax.
    auto locked = InstanceLock::acquire(inbox_.path(), "fax_replies folder");
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
    const int64_t now = pipeline::systemNowMs();
    return inbox_.each([this] { return loop_ && loop_->stopping(); }, now,
                       [&](const std::string& name, const std::string& path) { return take(name, path, now); });
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
    return inbox_.done(name, now);
  }

  Status fail(const std::string& name, const std::string& reason) { return inbox_.fail(name, reason); }

  std::string name_;
  FaxRepliesOptions options_;
  InboxFolder inbox_;
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
        o.inbox.path = pipeline::configString(c, "path");
        o.pollMs = pipeline::configInt(c, "poll_ms", o.pollMs);
        o.inbox.minAgeMs = pipeline::configInt(c, "min_age_ms", o.inbox.minAgeMs);
        o.inbox.maxFileBytes = pipeline::configInt(c, "max_file_bytes", o.inbox.maxFileBytes);
        o.limits.maxPages = static_cast<int>(pipeline::configInt(c, "max_pages", o.limits.maxPages));
        std::error_code ec;
        if (!fs::is_directory(o.inbox.path, ec)) {
          return Status::invalidInput("source " + ctx.name + ": " + o.inbox.path.string() + " is not a folder");
        }
        return std::shared_ptr<pipeline::Source>(
            std::make_shared<FaxRepliesSource>(ctx.name, std::move(o), ctx.store, ctx.metrics));
      });
}

}  // namespace renkei::adapters

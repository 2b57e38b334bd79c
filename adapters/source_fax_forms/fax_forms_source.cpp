// fax_forms source (see fax_forms_source.h): a polling round collects the ready files; workers,
// each with its own Tesseract engines, read them; a file's outcome — its pages' Bundles committed,
// or the file kept for review — is durable before the file moves to done/.
#include "fax_forms_source.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "renkei/core/digest.h"
#include "renkei/core/file_io.h"
#include "renkei/core/inbox_folder.h"
#include "renkei/core/instance_lock.h"
#include "renkei/core/json_log.h"
#include "renkei/core/polling_loop.h"
#include "renkei/forms/fax_submission.h"
#include "renkei/mapping/municipality_resolver.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"
#include "directory_names.h"

namespace renkei::embedded {
extern const std::string_view kFaxFormsSourceSchema;
}

namespace renkei::adapters {
namespace {

namespace fs = std::filesystem;

struct FaxFormsOptions {
  InboxOptions inbox;
  std::string organization;
  std::vector<std::string> formDirs;
  std::string form;
  std::string tessdata;
  int workers = 1;
  int64_t pollMs = 1000;
  forms::ImageLimits limits;
};

class FaxFormsSource : public pipeline::Source {
 public:
  FaxFormsSource(std::string name, FaxFormsOptions options, forms::FormSet forms, pipeline::Intake* intake,
                 std::shared_ptr<store::Store> store, std::shared_ptr<pipeline::Metrics> metrics)
      : name_(name), options_(std::move(options)), inbox_(std::move(name), "fax_form", options_.inbox),
        forms_(std::move(forms)), intake_(intake), store_(std::move(store)), directory_(store_),
        metrics_(std::move(metrics)) {}
  ~FaxFormsSource() override { stop(); }

  Status start() override {
    RENKEI_RETURN_IF_ERROR(inbox_.prepare());
    for (int i = 0; i < options_.workers; ++i) {
      auto engine = forms::OcrEngine::open(options_.tessdata);
      if (!engine.ok()) return Status::unavailable("source " + name_ + ": " + engine.status().message());
      engines_.push_back(std::move(engine).value());
    }
    // One reader per folder: two would commit and move the same fax.
    auto locked = InstanceLock::acquire(inbox_.path(), "fax_forms folder");
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
  struct Ready {
    std::string name, path;
  };

  Status round() {
    const int64_t now = pipeline::systemNowMs();
    std::vector<Ready> ready;
    RENKEI_RETURN_IF_ERROR(inbox_.each([this] { return loop_ && loop_->stopping(); }, now,
                                       [&](const std::string& name, const std::string& path) {
                                         ready.push_back({name, path});
                                         return Status::okStatus();
                                       }));
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    Status first = Status::okStatus();
    const auto work = [&](forms::OcrEngine& engine) {
      forms::FormReader reader(forms_, engine);
      for (std::size_t i; (i = next++) < ready.size();) {
        if (loop_ && loop_->stopping()) return;
        Status s = take(reader, ready[i], now);
        if (!s.ok()) {
          std::lock_guard<std::mutex> hold(mutex);
          if (first.ok()) first = s;
        }
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < engines_.size() && w < ready.size(); ++w) threads.emplace_back(work, std::ref(*engines_[w]));
    work(*engines_.front());
    for (std::thread& t : threads) t.join();
    return first;
  }

  /// Reads one file and makes its outcome durable, then moves it. An error leaves the file for
  /// the next round (the store is down).
  Status take(forms::FormReader& reader, const Ready& file, int64_t now) {
    auto identity = regularFileIdentity(file.path);
    if (!identity.ok()) return Status::okStatus();  // gone or swapped since the listing: next round
    auto bytes = readRegularFileNoFollow(file.path, std::size_t(options_.inbox.maxFileBytes), identity.value());
    if (!bytes.ok()) return Status::okStatus();
    forms::ReaderOptions read;
    read.form = options_.form;
    read.limits = options_.limits;
    read.context.municipalities = mapping::tokyoMunicipalityResolver();
    read.context.organizationKnown = [this, now](const std::string& name) { return directory_.known(name, now); };
    Result<std::vector<forms::PageReading>> pages = Status::internal("not read");
    try {
      pages = reader.read(bytes.value(), read);
    } catch (const std::exception& e) {  // Tesseract and Leptonica are C and C++ underneath
      return inbox_.fail(file.name, std::string("the OCR failed: ") + e.what());
    }
    if (!pages.ok()) return inbox_.fail(file.name, "cannot read the image: " + pages.status().message());

    const std::string sha256 = sha256Hex(bytes.value());
    forms::FaxEvidence evidence{std::move(bytes).value(), file.name, sha256, now, {}};
    // Pages normalized before anything is committed: a page whose Bundle is not valid goes to
    // a person with the rest of the fax, instead of becoming a failed message.
    std::unique_lock<std::mutex> committing(commitMutex_);  // workers read in parallel, commit in turn
    auto submitted = forms::submitFaxPages(*intake_, forms_, pages.value(), evidence, name_, options_.organization,
                                           "fax:" + evidence.sha256);
    if (!submitted.ok()) return submitted.status();
    if (submitted->committed) {
      JsonLog::write(LogLevel::Info, "fax_form_read",
                     {{"source", name_}, {"pages", std::to_string(pages->size())}, {"outcome", "committed"}});
      return inbox_.done(file.name, now);
    }
    store::FaxDocument document;
    document.organization = options_.organization;
    document.source = name_;
    document.name = file.name;
    document.sha256 = evidence.sha256;
    document.form = pages->front().form;
    document.reading = forms::readingsJson(pages.value());
    document.image = std::move(evidence.image);
    document.receivedMs = now;
    auto kept = store_->addFaxDocument(document);
    if (!kept.ok()) return kept.status();
    JsonLog::write(LogLevel::Info, "fax_form_read",
                   {{"source", name_}, {"pages", std::to_string(pages->size())}, {"outcome", "review"},
                    {"document", std::to_string(kept->id)}});
    return inbox_.done(file.name, now);
  }

  std::string name_;
  FaxFormsOptions options_;
  InboxFolder inbox_;
  forms::FormSet forms_;
  pipeline::Intake* intake_;
  std::shared_ptr<store::Store> store_;
  DirectoryNames directory_;  ///< dictionary:organizations
  std::shared_ptr<pipeline::Metrics> metrics_;
  std::vector<std::unique_ptr<forms::OcrEngine>> engines_;
  std::mutex commitMutex_;
  std::unique_ptr<PollingLoop> loop_;
  std::optional<InstanceLock> lock_;
};

}  // namespace

void registerFaxFormsSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "fax_forms", embedded::kFaxFormsSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        if (!ctx.store || ctx.intake == nullptr) {
          return Status::invalidInput("source " + ctx.name + ": needs the store and the pipeline");
        }
        const rapidjson::Value& c = *ctx.config;
        FaxFormsOptions o;
        o.inbox.path = pipeline::configString(c, "path");
        o.organization = pipeline::configString(c, "organization");
        o.formDirs = pipeline::configStrings(c, "forms");
        o.form = pipeline::configString(c, "form");
        o.tessdata = pipeline::configString(c, "tessdata");
        o.workers = static_cast<int>(pipeline::configInt(c, "workers", o.workers));
        o.pollMs = pipeline::configInt(c, "poll_ms", o.pollMs);
        o.inbox.minAgeMs = pipeline::configInt(c, "min_age_ms", o.inbox.minAgeMs);
        o.inbox.maxFileBytes = pipeline::configInt(c, "max_file_bytes", o.inbox.maxFileBytes);
        o.limits.maxBytes = uint64_t(o.inbox.maxFileBytes);
        o.limits.pages.maxPages = static_cast<int>(pipeline::configInt(c, "max_pages", o.limits.pages.maxPages));
        std::error_code ec;
        if (!fs::is_directory(o.inbox.path, ec)) {
          return Status::invalidInput("source " + ctx.name + ": " + o.inbox.path.string() + " is not a folder");
        }
        std::vector<std::string> dirs = {forms::defaultFormsDir()};
        dirs.insert(dirs.end(), o.formDirs.begin(), o.formDirs.end());
        std::vector<mapping::MappingError> errors;
        forms::FormSet set = forms::FormSet::load(dirs, errors);
        if (!errors.empty()) {
          const auto& e = errors.front();
          return Status::invalidInput("source " + ctx.name + ": form " + e.file + " " + e.pointer + ": " + e.message);
        }
        if (!o.form.empty() && set.byId(o.form) == nullptr) {
          return Status::invalidInput("source " + ctx.name + ": no form named '" + o.form + "'");
        }
        return std::shared_ptr<pipeline::Source>(std::make_shared<FaxFormsSource>(
            ctx.name, std::move(o), std::move(set), ctx.intake, ctx.store, ctx.metrics));
      });
}

}  // namespace renkei::adapters

// SS-MIX2 storage source: a supervised scan loop over the storage tree; files whose size or
// modification time changed since the store last saw them are read (no links, one name), hashed,
// checked against their place (patient, date, data type) and committed, keyed by their path and
// content so that a rescan or a second instance never delivers one twice; what the source saw of
// each file is recorded after the commit.
#include "ssmix2_source.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <unordered_map>

#include "renkei/core/digest.h"
#include "renkei/core/json_log.h"
#include "renkei/core/polling_loop.h"
#include "renkei/hl7v2/message.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/pipeline/normalizer.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/store/store.h"
#include "ssmix2_path.h"
#include "storage_walk.h"

namespace renkei::embedded {
extern const std::string_view kSsmix2SourceSchema;
}

namespace renkei::adapters {
namespace {

constexpr int kFileDepth = 6;  ///< <PID 1-3>/<PID 4-6>/<PID>/<date>/<data type>/<file>


struct Ssmix2SourceOptions {
  std::string root;
  std::string sender;
  std::string mapping = "auto";
  int64_t pollMs = 60'000;
  int64_t minAgeMs = 5'000;  ///< a file modified more recently may still be being written
  int64_t maxFileBytes = 8 << 20;
  int batch = 500;
  int scanThreads = 2;
  mapping::MappingParameters parameters;  ///< e.g. the institution code MSH-4 may lack
};

/// A file to read this scan, and what is known of it.
struct Candidate {
  WalkedFile file;
  const store::SourceFileState* known = nullptr;
};

class Ssmix2Source : public pipeline::Source {
 public:
  Ssmix2Source(std::string name, Ssmix2SourceOptions options, pipeline::Intake* intake,
               std::shared_ptr<store::Store> store, std::shared_ptr<const mapping::MappingSet> mappings,
               std::shared_ptr<pipeline::Metrics> metrics)
      : name_(std::move(name)),
        options_(std::move(options)),
        intake_(intake),
        store_(std::move(store)),
        mappings_(std::move(mappings)),
        metrics_(std::move(metrics)) {}
  ~Ssmix2Source() override { stop(); }

  Status start() override {
    loop_ = std::make_unique<PollingLoop>("source:" + name_, metrics_ ? metrics_->health() : nullptr,
                                          options_.pollMs, [this] { return round(); });
    loop_->start();
    return Status::okStatus();
  }

  void stop() override {
    if (loop_) loop_->stop();
  }

 private:
  Status round() {
    if (!loaded_) {
      auto files = store_->sourceFiles(name_);
      if (!files.ok()) return files.status();
      for (store::SourceFileState& f : files.value()) {
        // A file not taken is looked at again once per start: its permissions may have been
        // fixed, or a mapping for its data type added, since.
        if (f.messageId == 0 && !f.problem.empty()) continue;
        known_[f.path] = std::move(f);
      }
      loaded_ = true;
    }
    return scan();
  }

  /// One pass over the storage: unchanged files cost one fstatat each.
  Status scan() {
    const auto started = std::chrono::steady_clock::now();
    const int64_t now = pipeline::systemNowMs();
    // `keep` runs on the walk's threads: it only reads known_, which nothing writes meanwhile.
    auto walk = walkStorage(options_.root, kFileDepth, options_.scanThreads, [&](const WalkedFile& f) {
      auto it = known_.find(f.path);
      if (it != known_.end() && it->second.size == f.size && it->second.mtimeNs == f.mtimeNs) return false;
      return !f.refused.empty() || now - f.mtimeNs / 1'000'000 >= options_.minAgeMs;  // else: still being written?
    });
    if (!walk.ok()) return walk.status();
    const int64_t files = walk->entries;
    std::vector<Candidate> candidates;
    for (WalkedFile& f : walk->kept) {
      auto it = known_.find(f.path);
      candidates.push_back({std::move(f), it == known_.end() ? nullptr : &it->second});
    }
    // A patient's messages in the order the hospital wrote them (the file name's 17-digit time),
    // so that an admission is delivered before its discharge and an older ADT-00 before a newer.
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      const std::string_view ta = ssmix2WrittenAt(a.file.path), tb = ssmix2WrittenAt(b.file.path);
      return ta != tb ? ta < tb : a.file.path < b.file.path;
    });
    if (metrics_) metrics_->countIntake(name_, "scanned", files);
    const auto walked = std::chrono::steady_clock::now();
    for (std::size_t at = 0; at < candidates.size(); at += static_cast<std::size_t>(options_.batch)) {
      if (stopping()) break;
      const std::size_t end = std::min(candidates.size(), at + static_cast<std::size_t>(options_.batch));
      RENKEI_RETURN_IF_ERROR(take(candidates, at, end, now));
    }
    auto ms = [](auto d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
    JsonLog::write(candidates.empty() ? LogLevel::Debug : LogLevel::Info, "ssmix2_scan",
                   {{"source", name_}, {"files", std::to_string(files)},
                    {"new_or_changed", std::to_string(candidates.size())}, {"walk_ms", ms(walked - started)},
                    {"total_ms", ms(std::chrono::steady_clock::now() - started)}});
    return Status::okStatus();
  }

  /// Reads, checks and commits candidates [from, to), then records what was seen of them.
  Status take(const std::vector<Candidate>& candidates, std::size_t from, std::size_t to, int64_t now) {
    std::vector<store::SourceFileState> seen;
    std::vector<store::RawInput> inputs;
    std::vector<std::size_t> submitted;  ///< index into `seen` of each input
    for (std::size_t i = from; i < to; ++i) {
      const WalkedFile& f = candidates[i].file;
      store::SourceFileState state{name_, f.path, f.size, f.mtimeNs, "", 0, "", now};
      if (!f.refused.empty()) {
        state.problem = f.refused;
        seen.push_back(std::move(state));
        continue;
      }
      auto bytes = readRegularFileNoFollow(options_.root + "/" + f.path,
                                           static_cast<std::size_t>(options_.maxFileBytes), f.identity);
      if (!bytes.ok()) {
        if (bytes.status().code() == StatusCode::NotFound) continue;  // removed meanwhile
        state.problem = bytes.status().message();
        seen.push_back(std::move(state));
        continue;
      }
      state.sha256 = sha256Hex(bytes.value());
      const store::SourceFileState* known = candidates[i].known;
      if (known != nullptr && known->sha256 == state.sha256) {  // touched, not changed
        state.messageId = known->messageId;
        state.problem = known->problem;
        seen.push_back(std::move(state));
        continue;
      }
      auto input = inputFor(f.path, std::move(bytes).value(), state.sha256);
      if (!input.ok()) {
        state.problem = input.status().message();
        if (metrics_) metrics_->countIntake(name_, "not_taken");
        seen.push_back(std::move(state));
        continue;
      }
      submitted.push_back(seen.size());
      seen.push_back(std::move(state));
      inputs.push_back(std::move(input).value());
    }
    if (!inputs.empty()) {
      std::vector<pipeline::SubmitResult> results = intake_->submit(std::move(inputs));
      for (std::size_t k = 0; k < results.size() && k < submitted.size(); ++k) {
        const pipeline::SubmitResult& r = results[k];
        store::SourceFileState& state = seen[submitted[k]];
        if (!r.committed.ok()) {
          if (!pipeline::isPermanentFailure(r.committed)) return r.committed;  // read again next scan
          state.problem = "the file could not be stored: " + r.committed.message();
          continue;
        }
        state.messageId = r.messageId;
        if (r.state == store::kFailed) state.problem = "its mapping or validation refused it (see the message)";
      }
    }
    for (const store::SourceFileState& s : seen) {
      if (!s.problem.empty() && s.messageId == 0) {
        JsonLog::write(LogLevel::Warn, "ssmix2_file_not_taken", {{"source", name_}, {"reason", s.problem}});
      }
    }
    RENKEI_RETURN_IF_ERROR(store_->recordSourceFiles(seen));
    for (store::SourceFileState& s : seen) known_[s.path] = std::move(s);
    return Status::okStatus();
  }

  /// The input a file becomes, or why it does not: its place and content must agree and a
  /// mapping must take its data type.
  Result<store::RawInput> inputFor(const std::string& path, std::string bytes, const std::string& sha256) const {
    auto place = parseSsmix2Path(path);
    if (!place.ok()) return place.status();
    auto message = hl7v2::Message::parse(bytes, hl7v2::Limits{static_cast<std::size_t>(options_.maxFileBytes)});
    if (!message.ok()) return Status::invalidInput("not an HL7 v2 message: " + message.status().message());
    RENKEI_RETURN_IF_ERROR(checkSsmix2Content(place.value(), message.value()));
    const std::string fileName = path.substr(path.rfind('/') + 1);
    const mapping::Mapping* m = mappings_->choose(options_.mapping, fileName, bytes);
    if (m == nullptr) return Status::unsupported("no mapping takes data type " + place->dataType);
    // Keyed by place and content: the same file seen again (a rescan, another instance) is one
    // message; a changed file is a new one.
    return store::RawInput{name_, options_.sender,
                           pipeline::mappedInputName(mapping::withMappingParameters(fileName, options_.parameters), m->id, 1),
                           "ssmix2:" + path + "@" + sha256, std::move(bytes), ""};
  }

  bool stopping() const { return loop_->stopping(); }

  std::string name_;
  Ssmix2SourceOptions options_;
  pipeline::Intake* intake_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<const mapping::MappingSet> mappings_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  bool loaded_ = false;
  std::unordered_map<std::string, store::SourceFileState> known_;  ///< loop thread only
  std::unique_ptr<PollingLoop> loop_;
};

}  // namespace

void registerSsmix2Source(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "ssmix2", embedded::kSsmix2SourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        const rapidjson::Value& c = *ctx.config;
        Ssmix2SourceOptions o;
        o.root = pipeline::configString(c, "root");
        while (o.root.size() > 1 && o.root.back() == '/') o.root.pop_back();
        o.sender = pipeline::configString(c, "sender");
        o.mapping = pipeline::configString(c, "mapping", o.mapping);
        o.pollMs = pipeline::configInt(c, "poll_ms", o.pollMs);
        o.minAgeMs = pipeline::configInt(c, "min_age_ms", o.minAgeMs);
        o.maxFileBytes = pipeline::configInt(c, "max_file_bytes", o.maxFileBytes);
        o.batch = static_cast<int>(pipeline::configInt(c, "batch", o.batch));
        o.scanThreads = static_cast<int>(pipeline::configInt(c, "scan_threads", o.scanThreads));
        auto parameters = pipeline::configMappingParameters(c, "mapping_parameters");
        if (!parameters.ok()) return Status::invalidInput("source " + ctx.name + ": " + parameters.status().message());
        o.parameters = std::move(parameters).value();
        if (!ctx.mappings) {
          return Status::invalidInput("source " + ctx.name + ": SS-MIX2 needs mappings, and none are loaded");
        }
        if (o.mapping != "auto" && ctx.mappings->byId(o.mapping) == nullptr) {
          return Status::invalidInput("source " + ctx.name + ": no mapping '" + o.mapping + "' is loaded");
        }
        if (!ctx.store) return Status::internal("source " + ctx.name + ": no store to remember files in");
        return std::shared_ptr<pipeline::Source>(std::make_shared<Ssmix2Source>(
            ctx.name, std::move(o), ctx.intake, ctx.store, ctx.mappings, ctx.metrics));
      });
}

}  // namespace renkei::adapters

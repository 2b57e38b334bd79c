// GatewayRuntime: builds every component from the config and owns their lifetimes.
#include "renkei/server/gateway_runtime.h"

#include <unistd.h>

#include <filesystem>

#include "admin_server.h"
#include "renkei/core/json_log.h"
#include "renkei/fhir/default_sources.h"
#include "renkei/fhirpath/invariants.h"

namespace renkei::server {
namespace {

std::string defaultInstanceName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) return "renkei";
  return host;
}

}  // namespace

GatewayRuntime::~GatewayRuntime() { stop(); }

Result<std::unique_ptr<GatewayRuntime>> GatewayRuntime::create(
    config::GatewayConfig config, const pipeline::AdapterRegistry& registry) {
  std::unique_ptr<GatewayRuntime> rt(new GatewayRuntime());
  std::error_code ec;
  std::filesystem::create_directories(config.dataDir, ec);
  if (ec) return Status::unavailable("cannot create data_dir " + config.dataDir);
  auto locked = InstanceLock::acquire(config.dataDir, "data_dir");
  if (!locked.ok()) return locked.status();
  rt->dataDirLock_.emplace(std::move(locked).value());

  fhir::DefinitionSources sources = fhir::defaultDefinitionSources();
  for (const std::string& p : config.packages) sources.packages.push_back(p);
  auto definitions = fhir::loadDefinitions(sources);
  if (!definitions.ok()) return definitions.status();
  for (const std::string& profile : config.profiles) {
    if (definitions.value()->structure(profile) == nullptr) {
      return Status::invalidInput("validation profile " + profile + " is not loaded");
    }
  }
  auto opened = store::openStore(config.store);
  if (!opened.ok()) return opened.status();
  rt->store_ = std::shared_ptr<store::Store>(std::move(opened).value());
  rt->metrics_ = std::make_shared<pipeline::Metrics>();

  pipeline::NormalizeOptions normalize;
  normalize.validation.profiles = config.profiles;
  normalize.rejectInvalid = config.rejectInvalid;
  auto normalizer = std::make_shared<pipeline::Normalizer>(
      definitions.value(), fhirpath::makeValidator(definitions.value()), normalize);
  normalizer->setMappings(config.mappings);
  auto router = routing::Router::compile(config.routes, definitions.value());
  if (!router.ok()) return router.status();

  std::map<std::string, std::shared_ptr<pipeline::Sink>> sinks;
  for (const auto& [name, value] : config.sinks) {
    const pipeline::AdapterType* type = registry.sink((*value)["type"].GetString());
    pipeline::AdapterContext ctx{name, value, definitions.value(), nullptr, rt->metrics_, nullptr,
                                 config.mappings};
    auto sink = type->makeSink(ctx);
    if (!sink.ok()) return sink.status();
    sinks[name] = std::move(sink).value();
  }
  if (config.subscriptions) {
    const pipeline::AdapterType* type = registry.sink("rest_hook");
    if (type == nullptr) return Status::invalidInput("subscriptions: this build has no rest_hook sink");
    pipeline::AdapterContext ctx{pipeline::kSubscriptionDestination, config.subscriptionsConfig,
                                 definitions.value(), nullptr, rt->metrics_, rt->store_,
                                 config.mappings, config.subscriptions};
    auto sink = type->makeSink(ctx);
    if (!sink.ok()) return sink.status();
    sinks[pipeline::kSubscriptionDestination] = std::move(sink).value();
  }
  pipeline::PipelineOptions options;
  options.owner = config.instanceName.empty() ? defaultInstanceName() : config.instanceName;
  options.deliveryWorkers = config.workers;
  options.batchSize = config.batch;
  options.leaseMs = config.leaseMs;
  options.pollMs = config.pollMs;
  options.retry = config.retry;
  std::set<std::string> channels;
  for (const auto& [name, value] : config.sinks) channels.insert(name);
  options.careTeams = std::make_shared<care::CareTeamLookup>(rt->store_, std::move(channels),
                                                            config.careDirectoryCheckMs,
                                                            config.consent, config.careTrust);
  if (config.patientRegistry) {
    options.patients = std::make_shared<pipeline::PatientRegistry>(
        rt->store_, matching::MatchThresholds{}, config.patientRegistryCheckMs);
    if (Status loaded = options.patients->refresh(); !loaded.ok()) return loaded;
  }
  if (config.subscriptions) {
    options.subscriptions = std::make_shared<pipeline::SubscriptionLookup>(
        rt->store_, *config.subscriptions, config.subscriptionCheckMs);
  }
  rt->pipeline_ = std::make_unique<pipeline::Pipeline>(rt->store_, normalizer, router.value(),
                                                       std::move(sinks), options, rt->metrics_);
  for (const auto& [name, value] : config.sources) {
    const pipeline::AdapterType* type = registry.source((*value)["type"].GetString());
    pipeline::AdapterContext ctx{name, value, definitions.value(), rt->pipeline_.get(),
                                 rt->metrics_, rt->store_, config.mappings, config.subscriptions};
    auto source = type->makeSource(ctx);
    if (!source.ok()) return source.status();
    rt->sources_.push_back(std::move(source).value());
  }
  if (!config.adminListen.empty()) {
    rt->admin_ = std::make_unique<AdminServer>(rt->store_, rt->metrics_);
  }
  if (Status released = rt->store_->releaseLeases(options.owner); !released.ok()) return released;
  rt->config_ = std::move(config);
  return rt;
}

Status GatewayRuntime::purgeRetention() {
  if (config_.retentionRawDays <= 0) return Status::okStatus();
  auto purged = store_->purgeRaw(pipeline::systemNowMs() - config_.retentionRawDays * 86400000LL);
  if (!purged.ok()) return purged.status();
  if (purged.value() > 0) {
    JsonLog::write(LogLevel::Info, "retention_purged", {{"raw_inputs", std::to_string(purged.value())}});
  }
  return Status::okStatus();
}

Status GatewayRuntime::retentionRound() {
  RENKEI_RETURN_IF_ERROR(purgeRetention());
  std::unique_lock lock(retentionMutex_);
  retentionWake_.wait_for(lock, std::chrono::hours(1), [&] { return !started_; });
  return Status::okStatus();
}

Status GatewayRuntime::start() {
  if (started_) return Status::okStatus();
  if (admin_) RENKEI_RETURN_IF_ERROR(admin_->start(config_.adminListen));
  pipeline_->start();
  for (auto& s : sources_) RENKEI_RETURN_IF_ERROR(s->start());
  {
    std::lock_guard lock(retentionMutex_);
    started_ = true;
  }
  if (config_.retentionRawDays > 0) {
    retention_ = std::make_unique<SupervisedLoop>("housekeeping:retention", metrics_->health(),
                                                  [this] { return retentionRound(); });
    retention_->start();
  }
  JsonLog::write(LogLevel::Info, "gateway_started",
                 {{"sources", std::to_string(sources_.size())},
                  {"store", config_.store.kind},
                  {"admin_port", std::to_string(adminPort())}});
  return Status::okStatus();
}

void GatewayRuntime::stop() {
  {
    std::lock_guard lock(retentionMutex_);
    if (!started_) return;
    started_ = false;
  }
  if (retention_) {
    retention_->requestStop();
    retentionWake_.notify_all();
    retention_->join();
    retention_.reset();
  }
  for (auto& s : sources_) s->stop();
  pipeline_->stop();
  if (admin_) admin_->stop();
  JsonLog::write(LogLevel::Info, "gateway_stopped", {});
}

int GatewayRuntime::adminPort() const { return admin_ ? admin_->port() : 0; }

}  // namespace renkei::server

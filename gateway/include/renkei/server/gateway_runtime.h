// Assembles a running gateway from a checked config: store, definitions and validator,
// normalizer, router, sinks, pipeline, sources and the admin endpoint (/metrics, /healthz).
// start() brings them up in dependency order; stop() drains them in reverse. The data directory
// is locked for the runtime's lifetime: a second instance on it is refused.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "renkei/config/gateway_config.h"
#include "renkei/core/instance_lock.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/pipeline/pipeline.h"

namespace renkei::server {

class AdminServer;

class GatewayRuntime {
 public:
  static Result<std::unique_ptr<GatewayRuntime>> create(config::GatewayConfig config,
                                                        const pipeline::AdapterRegistry& registry);
  ~GatewayRuntime();

  Status start();
  void stop();

  pipeline::Pipeline& pipeline() { return *pipeline_; }
  store::Store& store() { return *store_; }
  /// The admin endpoint's bound port (0 when disabled), for tests that ask for port 0.
  int adminPort() const;

 private:
  GatewayRuntime() = default;
  Status purgeRetention();
  /// One round of housekeeping: purge, then wait an hour (or until stopped).
  Status retentionRound();

  std::optional<InstanceLock> dataDirLock_;  ///< first member: released after everything else
  config::GatewayConfig config_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  std::vector<std::shared_ptr<pipeline::Source>> sources_;
  std::unique_ptr<AdminServer> admin_;
  bool started_ = false;
  std::mutex retentionMutex_;
  std::condition_variable retentionWake_;
  std::unique_ptr<SupervisedLoop> retention_;
};

}  // namespace renkei::server

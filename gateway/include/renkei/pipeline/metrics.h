// In-process counters and histograms for /metrics (Prometheus text format 0.0.4). Queue depth and
// oldest age per destination come from the store at scrape time, so every instance sharing a
// PostgreSQL store reports the same queue. Also holds the HealthRegistry of the long-lived loops,
// which /healthz reads and /metrics renders as renkei_component_up / _failures_total.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/core/health_registry.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

class Metrics {
 public:
  void countIntake(const std::string& source, const std::string& result, int64_t n = 1);
  void countDelivery(const std::string& destination, const std::string& outcome);
  /// Seconds from receipt to delivery, and the duration of one attempt.
  void observeLatency(const std::string& destination, double seconds);
  void observeAttempt(const std::string& destination, double seconds);
  /// A source could not move a file it had finished with (to done/ or failed/).
  void countFileMoveFailure(const std::string& source);
  /// Where long-lived loops report their state.
  std::shared_ptr<HealthRegistry> health() const { return health_; }

  std::string render(const std::vector<store::QueueStats>& queue, int64_t nowMs) const;
  /// renkei_notifications{destination,state}: care-team notifications awaiting acknowledgement,
  /// escalated or waiting for the daily digest ("" when there are none).
  std::string renderNotifications(const std::vector<store::QueueStats>& notifications) const;

  /// Exposition text a component adds to every scrape (e.g. an HTTP server's connection
  /// counters); called under the metrics lock, so it must not call back into Metrics.
  using Collector = std::function<std::string()>;
  void addCollector(Collector collector);

 private:
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10,  60};
  struct Histogram {
    std::array<int64_t, kBuckets.size()> counts{};
    int64_t count = 0;
    double sum = 0;
    void observe(double v);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, int64_t> intake_;
  std::map<std::pair<std::string, std::string>, int64_t> deliveries_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, Histogram> attempts_;
  std::map<std::string, int64_t> moveFailures_;
  std::shared_ptr<HealthRegistry> health_ = std::make_shared<HealthRegistry>();
  std::vector<Collector> collectors_;
};

}  // namespace renkei::pipeline

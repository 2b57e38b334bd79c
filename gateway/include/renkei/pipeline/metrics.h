// In-process counters and histograms for /metrics (Prometheus text format 0.0.4). Queue depth and
// oldest age per destination come from the store at scrape time, so every instance sharing a
// PostgreSQL store reports the same queue.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::pipeline {

class Metrics {
 public:
  void countIntake(const std::string& source, const std::string& result, int64_t n = 1);
  void countDelivery(const std::string& destination, const std::string& outcome);
  /// Seconds from receipt to delivery, and the duration of one attempt.
  void observeLatency(const std::string& destination, double seconds);
  void observeAttempt(const std::string& destination, double seconds);

  std::string render(const std::vector<store::QueueStats>& queue, int64_t nowMs) const;

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
};

}  // namespace renkei::pipeline

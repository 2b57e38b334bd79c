// Prometheus text rendering of the gateway's counters, histograms, queue gauges and the state of
// its long-lived loops.
#include "renkei/pipeline/metrics.h"

#include <algorithm>
#include <sstream>

namespace renkei::pipeline {
namespace {

std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::Histogram::observe(double v) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (v <= kBuckets[i]) ++counts[i];
  }
  ++count;
  sum += v;
}

void Metrics::countIntake(const std::string& source, const std::string& result, int64_t n) {
  std::lock_guard lock(mutex_);
  intake_[{source, result}] += n;
}

void Metrics::countDelivery(const std::string& destination, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++deliveries_[{destination, outcome}];
}

void Metrics::observeLatency(const std::string& destination, double seconds) {
  std::lock_guard lock(mutex_);
  latency_[destination].observe(seconds);
}

void Metrics::observeAttempt(const std::string& destination, double seconds) {
  std::lock_guard lock(mutex_);
  attempts_[destination].observe(seconds);
}

void Metrics::countFileMoveFailure(const std::string& source) {
  std::lock_guard lock(mutex_);
  ++moveFailures_[source];
}

std::string Metrics::render(const std::vector<store::QueueStats>& queue, int64_t nowMs) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP renkei_intake_total Inputs submitted by sources, by result.\n"
         "# TYPE renkei_intake_total counter\n";
  for (const auto& [k, v] : intake_) {
    out << "renkei_intake_total{source=\"" << label(k.first) << "\",result=\"" << label(k.second)
        << "\"} " << v << '\n';
  }
  out << "# HELP renkei_deliveries_total Delivery attempts by destination and outcome.\n"
         "# TYPE renkei_deliveries_total counter\n";
  for (const auto& [k, v] : deliveries_) {
    out << "renkei_deliveries_total{destination=\"" << label(k.first) << "\",outcome=\""
        << label(k.second) << "\"} " << v << '\n';
  }
  auto histogram = [&](const char* name, const char* help,
                       const std::map<std::string, Histogram>& hs) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
    for (const auto& [dest, h] : hs) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out << name << "_bucket{destination=\"" << label(dest) << "\",le=\"" << kBuckets[i]
            << "\"} " << h.counts[i] << '\n';
      }
      out << name << "_bucket{destination=\"" << label(dest) << "\",le=\"+Inf\"} " << h.count
          << '\n'
          << name << "_sum{destination=\"" << label(dest) << "\"} " << h.sum << '\n'
          << name << "_count{destination=\"" << label(dest) << "\"} " << h.count << '\n';
    }
  };
  histogram("renkei_delivery_latency_seconds", "Time from receipt to successful delivery.",
            latency_);
  histogram("renkei_delivery_attempt_seconds", "Duration of one delivery attempt.", attempts_);
  out << "# HELP renkei_outbox_messages Outbox rows by destination and state.\n"
         "# TYPE renkei_outbox_messages gauge\n";
  for (const store::QueueStats& q : queue) {
    out << "renkei_outbox_messages{destination=\"" << label(q.destination) << "\",state=\""
        << label(q.state) << "\"} " << q.count << '\n';
  }
  out << "# HELP renkei_outbox_oldest_age_seconds Age of the oldest undelivered row.\n"
         "# TYPE renkei_outbox_oldest_age_seconds gauge\n";
  std::map<std::string, int64_t> oldest;
  for (const store::QueueStats& q : queue) {
    if (q.state != store::kQueued && q.state != store::kRetrying) continue;
    auto [it, fresh] = oldest.emplace(q.destination, q.oldestCreatedMs);
    if (!fresh) it->second = std::min(it->second, q.oldestCreatedMs);
  }
  for (const auto& [dest, ms] : oldest) {
    out << "renkei_outbox_oldest_age_seconds{destination=\"" << label(dest) << "\"} "
        << static_cast<double>(std::max<int64_t>(0, nowMs - ms)) / 1000.0 << '\n';
  }
  out << "# HELP renkei_source_file_move_failures_total Files a source committed but could not "
         "move to done/ or failed/ (retried every poll, never submitted again).\n"
         "# TYPE renkei_source_file_move_failures_total counter\n";
  for (const auto& [source, n] : moveFailures_) {
    out << "renkei_source_file_move_failures_total{source=\"" << label(source) << "\"} " << n
        << '\n';
  }
  const auto components = health_->snapshot();
  out << "# HELP renkei_component_up Whether a long-lived loop is running (0 while it waits to "
         "restart after a failure, or once stopped).\n"
         "# TYPE renkei_component_up gauge\n";
  for (const auto& [name, c] : components) {
    out << "renkei_component_up{component=\"" << label(name) << "\"} "
        << (c.state == kComponentRunning ? 1 : 0) << '\n';
  }
  out << "# HELP renkei_component_failures_total Failed rounds of a long-lived loop (errors and "
         "exceptions), each followed by a restart after a backoff.\n"
         "# TYPE renkei_component_failures_total counter\n";
  for (const auto& [name, c] : components) {
    out << "renkei_component_failures_total{component=\"" << label(name) << "\"} " << c.failures
        << '\n';
  }
  for (const Collector& collect : collectors_) out << collect();
  return out.str();
}

void Metrics::addCollector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Metrics::renderNotifications(const std::vector<store::QueueStats>& notifications) const {
  if (notifications.empty()) return "";
  std::ostringstream out;
  out << "# HELP renkei_notifications Care-team notifications awaiting acknowledgement, escalated "
         "or waiting for the daily digest.\n# TYPE renkei_notifications gauge\n";
  for (const store::QueueStats& q : notifications) {
    out << "renkei_notifications{destination=\"" << label(q.destination) << "\",state=\""
        << label(q.state) << "\"} " << q.count << '\n';
  }
  return out.str();
}

}  // namespace renkei::pipeline

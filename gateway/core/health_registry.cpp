// HealthRegistry: component states behind one mutex.
#include "renkei/core/health_registry.h"

namespace renkei {

std::string HealthRegistry::add(const std::string& name) {
  std::lock_guard lock(mutex_);
  std::string unique = name;
  for (int n = 2;; ++n) {
    auto it = components_.find(unique);
    if (it == components_.end() || it->second.state == kComponentStopped) break;
    unique = name + "#" + std::to_string(n);
  }
  ComponentHealth& c = components_[unique];
  c.state = kComponentRunning;
  c.consecutiveFailures = 0;
  return unique;
}

void HealthRegistry::succeeded(const std::string& name) {
  std::lock_guard lock(mutex_);
  ComponentHealth& c = components_[name];
  c.state = kComponentRunning;
  c.consecutiveFailures = 0;
}

void HealthRegistry::failed(const std::string& name, const std::string& error, int64_t nowMs) {
  std::lock_guard lock(mutex_);
  ComponentHealth& c = components_[name];
  c.state = kComponentRestarting;
  ++c.failures;
  ++c.consecutiveFailures;
  c.lastError = error;
  c.lastFailureMs = nowMs;
}

void HealthRegistry::stopped(const std::string& name) {
  std::lock_guard lock(mutex_);
  components_[name].state = kComponentStopped;
}

std::map<std::string, ComponentHealth> HealthRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return components_;
}

bool HealthRegistry::healthy() const {
  std::lock_guard lock(mutex_);
  for (const auto& [name, c] : components_) {
    if (c.state == kComponentRestarting) return false;
  }
  return true;
}

}  // namespace renkei

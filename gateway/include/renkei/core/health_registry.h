// The state of every long-lived loop (folder polls, pipeline workers, committers, housekeeping),
// kept where /healthz and /metrics read it: running, restarting after a failure (with how many
// failures and the last error, which never holds patient data), or stopped. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace renkei {

inline constexpr const char* kComponentRunning = "running";
inline constexpr const char* kComponentRestarting = "restarting";
inline constexpr const char* kComponentStopped = "stopped";

struct ComponentHealth {
  std::string state = kComponentRunning;
  int64_t failures = 0;             ///< since the process started
  int64_t consecutiveFailures = 0;  ///< since the last good round
  std::string lastError;
  int64_t lastFailureMs = 0;        ///< Unix epoch milliseconds, 0: never failed
};

class HealthRegistry {
 public:
  /// Registers a running component and returns its name: `name`, or `name#2`, `name#3`, … when
  /// another running component has it (a stopped one's name is taken over).
  std::string add(const std::string& name);
  /// A round went well: running again, consecutive failures cleared.
  void succeeded(const std::string& name);
  /// A round failed (an error or an exception); the component restarts after its backoff.
  void failed(const std::string& name, const std::string& error, int64_t nowMs);
  void stopped(const std::string& name);

  std::map<std::string, ComponentHealth> snapshot() const;
  /// True when no component is restarting.
  bool healthy() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ComponentHealth> components_;
};

}  // namespace renkei

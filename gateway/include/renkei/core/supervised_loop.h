// A long-lived loop that cannot stop silently. It runs one round of work after another in its own
// thread; a round that returns an error or throws anything is logged with the component's name,
// reported to the HealthRegistry (so /healthz and /metrics show it), and the loop goes on after
// an exponential backoff (100 ms doubling to 5 s by default). Every thread of the gateway that
// lives as long as the daemon runs in one of these.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "renkei/core/health_registry.h"
#include "renkei/core/status.h"

namespace renkei {

struct Backoff {
  int64_t initialMs = 100;
  int64_t maxMs = 5000;
  /// The wait after `failures` consecutive failures (1: initialMs, doubling, capped at maxMs).
  int64_t delayMs(int64_t failures) const;
};

/// What the exception being handled says, without paths (a filesystem error names only its
/// cause: paths can hold patients' names) and at most a few hundred characters. Call it only
/// inside a catch block.
std::string describeCurrentException();

class SupervisedLoop {
 public:
  /// One round: it may wait for work (and must return soon once its owner asks it to stop);
  /// ok when it went well, an error when it failed.
  using Step = std::function<Status()>;

  /// `health` may be null (the loop then only logs).
  SupervisedLoop(std::string component, std::shared_ptr<HealthRegistry> health, Step step,
                 Backoff backoff = {});
  ~SupervisedLoop();
  SupervisedLoop(const SupervisedLoop&) = delete;
  SupervisedLoop& operator=(const SupervisedLoop&) = delete;

  void start();
  /// No new round starts after the current one (a backoff wait ends at once). The owner wakes
  /// whatever the current round waits on, then calls join().
  void requestStop();
  void join();
  /// requestStop() and join().
  void stop();
  /// The name the component is registered under.
  const std::string& component() const { return component_; }

 private:
  void run();
  bool stopping();

  std::string component_;
  std::shared_ptr<HealthRegistry> health_;
  Step step_;
  Backoff backoff_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace renkei

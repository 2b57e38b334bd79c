// A source's polling thread: a SupervisedLoop whose rounds run `poll` and then wait for the
// interval, a wait that stop() and wake() cut short. The watched folder and the SS-MIX2 storage scan with it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "renkei/core/health_registry.h"
#include "renkei/core/status.h"
#include "renkei/core/supervised_loop.h"

namespace renkei {

class PollingLoop {
 public:
  /// `health` may be null. A failed poll is retried after the SupervisedLoop's backoff.
  PollingLoop(std::string component, std::shared_ptr<HealthRegistry> health, int64_t intervalMs,
              std::function<Status()> poll);
  ~PollingLoop();
  PollingLoop(const PollingLoop&) = delete;
  PollingLoop& operator=(const PollingLoop&) = delete;

  void start();
  /// Ends the wait at once, lets the current poll finish, joins. Safe to call twice.
  void stop();
  /// True once stop() was called: a long poll checks it between its steps.
  bool stopping() const;
  /// The next poll starts without waiting for the interval (news of work, or more left over).
  void wake();

 private:
  Status round();

  std::function<Status()> poll_;
  int64_t intervalMs_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  bool woken_ = false;
  SupervisedLoop loop_;
};

}  // namespace renkei

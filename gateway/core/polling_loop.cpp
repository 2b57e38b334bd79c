// The polling thread of sources (see polling_loop.h).
#include "renkei/core/polling_loop.h"

#include <chrono>

namespace renkei {

PollingLoop::PollingLoop(std::string component, std::shared_ptr<HealthRegistry> health, int64_t intervalMs,
                         std::function<Status()> poll)
    : poll_(std::move(poll)),
      intervalMs_(intervalMs),
      loop_(std::move(component), std::move(health), [this] { return round(); }) {}

PollingLoop::~PollingLoop() { stop(); }

void PollingLoop::start() {
  {
    std::lock_guard lock(mutex_);
    running_ = true;
  }
  loop_.start();
}

void PollingLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  loop_.requestStop();
  wake_.notify_all();
  loop_.join();
}

bool PollingLoop::stopping() const {
  std::lock_guard lock(mutex_);
  return !running_;
}

void PollingLoop::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

Status PollingLoop::round() {
  {
    std::lock_guard lock(mutex_);
    woken_ = false;
  }
  RENKEI_RETURN_IF_ERROR(poll_());
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(intervalMs_), [&] { return !running_ || woken_; });
  return Status::okStatus();
}

}  // namespace renkei

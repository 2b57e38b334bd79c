// SupervisedLoop: the guarded round loop, its backoff, and its log lines.
#include "renkei/core/supervised_loop.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>

#include "renkei/core/json_log.h"

namespace renkei {
namespace {

constexpr std::size_t kMaxErrorChars = 300;

int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t Backoff::delayMs(int64_t failures) const {
  int64_t delay = std::max<int64_t>(1, initialMs);
  for (int64_t i = 1; i < failures && delay < maxMs; ++i) delay *= 2;
  return std::min(delay, std::max<int64_t>(1, maxMs));
}

std::string describeCurrentException() {
  try {
    throw;
  } catch (const std::filesystem::filesystem_error& e) {
    return "filesystem error: " + e.code().message();
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (what.size() > kMaxErrorChars) what = what.substr(0, kMaxErrorChars) + "...";
    return "exception: " + what;
  } catch (...) {
    return "unknown exception";
  }
}

SupervisedLoop::SupervisedLoop(std::string component, std::shared_ptr<HealthRegistry> health,
                               Step step, Backoff backoff)
    : component_(std::move(component)),
      health_(std::move(health)),
      step_(std::move(step)),
      backoff_(backoff) {}

SupervisedLoop::~SupervisedLoop() { stop(); }

void SupervisedLoop::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  if (health_) component_ = health_->add(component_);
  thread_ = std::thread([this] { run(); });
}

void SupervisedLoop::requestStop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
}

void SupervisedLoop::join() {
  if (!thread_.joinable()) return;
  thread_.join();
  if (health_) health_->stopped(component_);
}

void SupervisedLoop::stop() {
  requestStop();
  join();
}

bool SupervisedLoop::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void SupervisedLoop::run() {
  int64_t failures = 0;
  while (!stopping()) {
    Status result;
    bool threw = false;
    try {
      result = step_();
    } catch (...) {
      result = Status::internal(describeCurrentException());
      threw = true;
    }
    if (result.ok()) {
      if (failures > 0) {
        JsonLog::write(LogLevel::Info, "component_recovered",
                       {{"component", component_}, {"after_failures", std::to_string(failures)}});
        if (health_) health_->succeeded(component_);
      }
      failures = 0;
      continue;
    }
    ++failures;
    const int64_t delay = backoff_.delayMs(failures);
    const std::string error = result.toString();
    if (health_) health_->failed(component_, error, wallClockMs());
    JsonLog::write(threw ? LogLevel::Error : LogLevel::Warn, "component_failed",
                   {{"component", component_},
                    {"failures", std::to_string(failures)},
                    {"restart_in_ms", std::to_string(delay)},
                    {"error", error}});
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(delay), [&] { return stopping_; });
  }
}

}  // namespace renkei

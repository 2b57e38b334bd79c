// Which files of one folder a writer has just finished (closed after writing, or renamed into the
// folder) and which it is still writing (modified, not yet closed), from Linux inotify. A watched-folder source uses it to take a local file at once instead of
// after two polls, and to poll as soon as something arrives; polling stays the rule for what the
// kernel does not report (network file systems, an overflowing event queue).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "renkei/core/status.h"

namespace renkei {

class FolderEvents {
 public:
  /// Starts watching `dir` (not recursively); `onEvent` runs on the watcher's thread after each
  /// batch of events (it should only wake someone).
  static Result<std::unique_ptr<FolderEvents>> watch(const std::filesystem::path& dir,
                                                     std::function<void()> onEvent);
  ~FolderEvents();
  FolderEvents(const FolderEvents&) = delete;
  FolderEvents& operator=(const FolderEvents&) = delete;

  struct Observed {
    /// Names finished since the last take, each with the wall-clock time (ms) its latest event
    /// was read; a file modified after that time is being written again.
    std::map<std::string, int64_t> finished;
    /// Names modified and not closed since: a writer holds them open. Empty after the kernel's
    /// event queue overflowed (nothing is known then; the polls decide).
    std::set<std::string> writing;
  };
  Observed take();

 private:
  FolderEvents(int inotifyFd, int stopFd, std::function<void()> onEvent);
  void run();

  int inotifyFd_;
  int stopFd_;
  std::function<void()> onEvent_;
  std::mutex mutex_;
  std::map<std::string, int64_t> finished_;
  std::set<std::string> writing_;
  std::thread thread_;
};

}  // namespace renkei

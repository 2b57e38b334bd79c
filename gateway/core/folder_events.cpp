// FolderEvents: one inotify descriptor and a thread that reads it (see folder_events.h).
#include "renkei/core/folder_events.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace renkei {
namespace {

/// The most names remembered between two takes: beyond it (a flood of files the source ignores)
/// names are dropped, and those files wait for the polls as without events.
constexpr std::size_t kMaxRemembered = 100000;

int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<std::unique_ptr<FolderEvents>> FolderEvents::watch(const std::filesystem::path& dir,
                                                          std::function<void()> onEvent) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status::unavailable(std::string("inotify: ") + std::strerror(errno));
  if (::inotify_add_watch(fd, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY | IN_MOVED_FROM | IN_DELETE |
                                               IN_ONLYDIR) < 0) {
    Status failed = Status::unavailable(std::string("inotify: ") + std::strerror(errno));
    ::close(fd);
    return failed;
  }
  int stop = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop < 0) {
    ::close(fd);
    return Status::unavailable(std::string("eventfd: ") + std::strerror(errno));
  }
  return std::unique_ptr<FolderEvents>(new FolderEvents(fd, stop, std::move(onEvent)));
}

FolderEvents::FolderEvents(int inotifyFd, int stopFd, std::function<void()> onEvent)
    : inotifyFd_(inotifyFd), stopFd_(stopFd), onEvent_(std::move(onEvent)) {
  thread_ = std::thread([this] { run(); });
}

FolderEvents::~FolderEvents() {
  const uint64_t one = 1;
  ssize_t ignored = ::write(stopFd_, &one, sizeof one);
  (void)ignored;
  thread_.join();
  ::close(inotifyFd_);
  ::close(stopFd_);
}

FolderEvents::Observed FolderEvents::take() {
  std::lock_guard lock(mutex_);
  return {std::exchange(finished_, {}), writing_};
}

void FolderEvents::run() {
  alignas(inotify_event) char buffer[16384];
  for (;;) {
    pollfd fds[2] = {{inotifyFd_, POLLIN, 0}, {stopFd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    bool any = false;
    for (;;) {
      ssize_t n = ::read(inotifyFd_, buffer, sizeof buffer);
      if (n <= 0) break;
      const int64_t now = wallClockMs();
      std::lock_guard lock(mutex_);
      for (ssize_t at = 0; at < n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        any = true;
        if ((event->mask & IN_Q_OVERFLOW) != 0) writing_.clear();
        if (event->len == 0 || (event->mask & IN_ISDIR) != 0) continue;
        const std::string name = event->name;
        if ((event->mask & IN_MODIFY) != 0) {
          if (writing_.size() < kMaxRemembered) writing_.insert(name);
          continue;
        }
        writing_.erase(name);
        if ((event->mask & (IN_MOVED_FROM | IN_DELETE)) != 0) continue;
        if (finished_.size() >= kMaxRemembered) finished_.erase(finished_.begin());
        finished_[name] = now;
      }
    }
    if (any && onEvent_) onEvent_();
  }
}

}  // namespace renkei

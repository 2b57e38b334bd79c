// InstanceLock: flock on <folder>/.renkei.lock, the holder's PID written into it.
#include "renkei/core/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace renkei {
namespace {

/// The PID a holder wrote into the lock file, or "unknown" (it may be writing it right now).
std::string holderPid(int fd) {
  char buf[32] = {0};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pid += buf[i];
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<InstanceLock> InstanceLock::acquire(const std::filesystem::path& folder,
                                           const std::string& what) {
  const std::filesystem::path file = folder / kFileName;
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return Status::unavailable("cannot open the lock file of " + what + " " + folder.string() +
                               ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string pid = error == EWOULDBLOCK ? holderPid(fd) : "";
    ::close(fd);
    if (error == EWOULDBLOCK && pid == std::to_string(::getpid())) {
      return Status::invalidInput(what + " " + folder.string() + " is already used by this renkei "
                                  "(a folder can be the data directory or one source's folder, "
                                  "not several)");
    }
    if (error == EWOULDBLOCK) {
      return Status::unavailable(what + " " + folder.string() + " is in use by another renkei " +
                                 "(PID " + pid + "); stop it first, or give this instance its own " +
                                 what);
    }
    return Status::unavailable("cannot lock " + what + " " + folder.string() + ": " +
                               std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  const auto size = static_cast<ssize_t>(pid.size());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != size) {
    const int error = errno;
    ::close(fd);
    return Status::unavailable("cannot write the lock file of " + what + " " + folder.string() +
                               ": " + std::strerror(error));
  }
  return InstanceLock(fd);
}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace renkei

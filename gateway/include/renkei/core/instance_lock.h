// One gateway per folder: an exclusive lock on `<folder>/.renkei.lock` (flock, released by the
// kernel when the process ends, kill -9 included) that holds the owner's PID, so a second
// instance on the same data directory or watched folder is refused with a message naming it.
#pragma once

#include <filesystem>
#include <string>

#include "renkei/core/status.h"

namespace renkei {

class InstanceLock {
 public:
  /// The lock file's name inside the folder (dot-named, so a watched folder ignores it).
  static constexpr const char* kFileName = ".renkei.lock";

  /// Takes the lock on `folder` (which must exist); Unavailable "<what> <folder> is in use by
  /// another renkei (PID n)" when another process holds it. `what` names the folder's role.
  static Result<InstanceLock> acquire(const std::filesystem::path& folder, const std::string& what);

  InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace renkei

// A read-only walk of a storage tree: every entry down to a fixed depth is looked at from the
// descriptor of its own folder (folders opened O_NOFOLLOW|O_DIRECTORY, other entries with
// fstatat(AT_SYMLINK_NOFOLLOW)), so a link is reported and never followed, nothing outside the
// root is read, and nothing is opened for writing, locked or changed. The root's folders are
// shared among a few threads: a scan of 100,000 unchanged files is bound by system calls.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "renkei/core/file_io.h"
#include "renkei/core/status.h"

namespace renkei::adapters {

struct WalkedFile {
  std::string path;  ///< relative to the root, '/'-separated
  int64_t size = 0;
  int64_t mtimeNs = 0;
  FileIdentity identity;
  std::string refused;  ///< not a regular file: why ("symbolic link refused" …); "" for a file
};

struct WalkResult {
  int64_t entries = 0;             ///< files, links and special files looked at
  std::vector<WalkedFile> kept;    ///< those `keep` chose, in no particular order
};

/// Looks at every entry at `fileDepth` (1: the root's own entries) that is not a folder, and at
/// links and special files at any depth (folders deeper than that are not entered); `keep` (called
/// from up to `threads` threads at once, so it must only read shared state) chooses which to
/// return. Unavailable when the root itself cannot be opened; folders that vanish are skipped.
Result<WalkResult> walkStorage(const std::string& root, int fileDepth, int threads,
                               const std::function<bool(const WalkedFile&)>& keep);

}  // namespace renkei::adapters

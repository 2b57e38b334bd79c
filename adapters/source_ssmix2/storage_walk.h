// A read-only walk of a storage tree: every entry down to a fixed depth is looked at with
// fstatat(AT_SYMLINK_NOFOLLOW) from the descriptor of its own folder (opened O_NOFOLLOW), so a
// link is reported and never followed, nothing outside the root is read, and nothing is opened
// for writing, locked or changed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

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

/// Calls `visit` for every entry at `fileDepth` (1: the root's own entries) that is not a folder,
/// and for links and special files at any depth; folders deeper than that are not entered.
/// Unavailable when the root itself cannot be opened; folders that vanish meanwhile are skipped.
Status walkStorage(const std::string& root, int fileDepth, const std::function<void(WalkedFile&&)>& visit);

}  // namespace renkei::adapters

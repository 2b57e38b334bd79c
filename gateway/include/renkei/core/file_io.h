// Reading whole inputs with a size cap, so that no outside file or stream can exhaust memory,
// and reading a folder's inputs without ever leaving the folder (no links, no special files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei {

inline constexpr std::size_t kDefaultMaxInputBytes = 64u << 20;

/// Reads a file; fails with TooLarge past `maxBytes`, Unavailable when it cannot be read.
Result<std::string> readFileLimited(const std::string& path,
                                    std::size_t maxBytes = kDefaultMaxInputBytes);
/// What kind of file a st_mode names, for refusals: "symbolic link", "FIFO", "directory" …
const char* fileKindName(unsigned mode);

/// Which file a directory entry named when it was checked: device and inode, as lstat saw them.
struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
};

/// The rule for every folder-like source: an input is a regular file with exactly one name,
/// looked at without following links. Returns the identity of `path` itself (lstat) when it is
/// one; NotFound when it is gone; otherwise InvalidInput saying what it is, e.g. "not a regular
/// file: symbolic link refused" or "hard link refused: the file has 2 names". Never opens it.
Result<FileIdentity> regularFileIdentity(const std::string& path);
/// Reads at most `maxBytes` of `path` only if it still is the regular file `expected` names:
/// opened with O_NOFOLLOW and O_NONBLOCK (a link or a FIFO swapped in cannot redirect or block
/// the read), then checked on the open descriptor (regular, one name, same device and inode).
/// Messages name no path (file names can hold patient names).
Result<std::string> readRegularFileNoFollow(const std::string& path, std::size_t maxBytes,
                                            const FileIdentity& expected);
/// A regular file opened under the same rule as readRegularFileNoFollow, read in pieces: for
/// inputs too large to hold (a 1 GB CSV export), read twice (a digest, then the rows) through
/// the one descriptor that was checked, so the file read is the file checked.
class RegularFileStream {
 public:
  static Result<RegularFileStream> open(const std::string& path, const FileIdentity& expected);
  RegularFileStream(RegularFileStream&& other) noexcept;
  RegularFileStream& operator=(RegularFileStream&& other) noexcept;
  RegularFileStream(const RegularFileStream&) = delete;
  RegularFileStream& operator=(const RegularFileStream&) = delete;
  ~RegularFileStream();

  /// The size when it was opened.
  uint64_t size() const { return size_; }
  /// Appends up to `maxBytes` to `out`; false at the end of the file.
  Result<bool> read(std::size_t maxBytes, std::string& out);
  /// Back to the first byte.
  Status rewind();

 private:
  RegularFileStream(int fd, uint64_t size) : fd_(fd), size_(size) {}
  int fd_ = -1;
  uint64_t size_ = 0;
};

/// Reads standard input to its end with the same cap.
Result<std::string> readStdinLimited(std::size_t maxBytes = kDefaultMaxInputBytes);
/// Writes `data` to `path` durably: a hidden temporary beside it, fsync, rename, fsync of the
/// folder. Readers see the old file or the whole new one, never a partial one.
Status writeFileAtomically(const std::string& path, std::string_view data);
struct FileToWrite {
  std::string path;
  std::string_view data;
};
/// Writes several files as writeFileAtomically does, one status each, sharing the waits on the
/// disk: every temporary is written before any is flushed (a journaling file system commits
/// them together), and each folder is flushed once, after all the renames into it.
std::vector<Status> writeFilesAtomically(const std::vector<FileToWrite>& files);

/// Creates `dir` if needed and removes the temporaries writeFileAtomically left there when a
/// process died mid-write (for sinks that own an output folder).
Status prepareOutputFolder(const std::string& dir);

}  // namespace renkei

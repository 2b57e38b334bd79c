// Durable, atomic file writes (see file_io.h): temporaries beside the targets, flushed, renamed,
// and the folders flushed after the renames.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "renkei/core/file_io.h"

namespace renkei {
namespace {

/// Files held open at once by one batch.
constexpr std::size_t kOpenAtOnce = 64;

std::string folderOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

/// A hidden temporary beside the target, unique per process and call, so folder watchers skip
/// it and concurrent writers never share one.
std::string temporaryFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  static const pid_t pid = ::getpid();
  const std::size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return folderOf(path) + "/." + base + ".tmp-" + std::to_string(pid) + "-" + std::to_string(++counter);
}

Status failure(const char* what, const std::string& path, int error) {
  return Status::unavailable(std::string(what) + " " + path + ": " + std::strerror(error));
}

/// Creates the temporary and writes `data` into it, without flushing; -1 (and `status`) on
/// failure. `startWriteBack` when other files of the batch are flushed after this one.
int writeTemporary(const std::string& tmp, std::string_view data, bool startWriteBack, Status& status) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    status = failure("cannot create", tmp, errno);
    return -1;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = failure("cannot write", tmp, errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
#ifdef __linux__
  // Starts the write-back now, so that the files of a batch reach the disk together and the
  // first fsync finds the others' data on its way (a hint: the fsync decides).
  if (startWriteBack) ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
  return fd;
}

/// Flushes the names in `dir`. A folder that cannot be opened for reading (or a file system
/// that cannot flush folders) still holds the file: only a failed flush is an error.
Status syncFolder(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {};
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0 && error != EINVAL) return failure("cannot flush", dir, error);
  return {};
}

}  // namespace

Status writeFileAtomically(const std::string& path, std::string_view data) {
  return writeFilesAtomically({{path, data}}).front();
}

std::vector<Status> writeFilesAtomically(const std::vector<FileToWrite>& files) {
  std::vector<Status> out(files.size());
  for (std::size_t from = 0; from < files.size(); from += kOpenAtOnce) {
    const std::size_t to = std::min(files.size(), from + kOpenAtOnce);
    std::vector<std::string> tmps(to - from);
    std::vector<int> fds(to - from, -1);
    for (std::size_t i = from; i < to; ++i) {
      tmps[i - from] = temporaryFor(files[i].path);
      fds[i - from] = writeTemporary(tmps[i - from], files[i].data, to - from > 1, out[i]);
    }
    for (std::size_t i = from; i < to; ++i) {
      const int fd = fds[i - from];
      if (fd < 0) continue;
      const std::string& tmp = tmps[i - from];
      const bool flushed = ::fsync(fd) == 0;
      const int error = errno;
      if (::close(fd) != 0 || !flushed) {
        out[i] = failure("cannot flush", tmp, flushed ? errno : error);
        ::unlink(tmp.c_str());
      } else if (std::rename(tmp.c_str(), files[i].path.c_str()) != 0) {
        out[i] = failure("cannot rename to", files[i].path, errno);
        ::unlink(tmp.c_str());
      }
    }
  }
  std::vector<std::string> synced;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!out[i].ok()) continue;
    const std::string dir = folderOf(files[i].path);
    if (std::find(synced.begin(), synced.end(), dir) != synced.end()) continue;
    synced.push_back(dir);
    const Status st = syncFolder(dir);
    if (st.ok()) continue;
    for (std::size_t k = i; k < files.size(); ++k) {
      if (out[k].ok() && folderOf(files[k].path) == dir) out[k] = st;
    }
  }
  return out;
}

}  // namespace renkei

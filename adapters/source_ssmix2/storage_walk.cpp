// The read-only storage walk (see storage_walk.h).
#include "storage_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace renkei::adapters {
namespace {

class Walker {
 public:
  Walker(int fileDepth, const std::function<bool(const WalkedFile&)>& keep) : fileDepth_(fileDepth), keep_(keep) {}

  /// The entry `name` of the folder open as `dirFd`, at `depth`.
  void entry(int dirFd, const char* name, unsigned char type, const std::string& prefix, int depth) {
    const std::string path = prefix.empty() ? std::string(name) : prefix + "/" + name;
    // A folder (as readdir says, or as unknown) is opened without following a link: O_NOFOLLOW
    // fails on a link and O_DIRECTORY on anything else, which is then looked at below.
    if (type == DT_DIR || type == DT_UNKNOWN) {
      if (depth < fileDepth_) {
        const int child = openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) {
          folder(child, path, depth + 1);
          return;
        }
        if (errno == EACCES || errno == EPERM) {
          refuse(dirFd, name, path, "a folder the gateway may not read: its messages are not seen");
          return;
        }
        if (errno != ENOTDIR && errno != ELOOP) return;  // gone meanwhile
      }
    }
    struct stat st {};
    if (fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      // A folder listed but not searchable hides what is in it; anything else is gone meanwhile.
      if (errno == EACCES || errno == EPERM) refuse(dirFd, name, path, "an entry the gateway may not look at (its folder is not searchable)");
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      // Folders stop at the data type; one where a message file belongs holds nothing read.
      if (depth == fileDepth_) refuse(dirFd, name, path, "a folder where a message file belongs");
      return;
    }
    // A file filed too high in the patients' tree is a misfiled message, never read silently
    // past; a file at the top of the root is not the storage's.
    if (S_ISREG(st.st_mode) && depth != fileDepth_) {
      if (depth > 1) refuse(dirFd, name, path, "a file outside the storage's layout (<PID 1-3>/<PID 4-6>/<PID>/<date>/<data type>/<file>)");
      return;
    }
    WalkedFile f;
    f.path = path;
    f.size = static_cast<int64_t>(st.st_size);
    f.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.identity = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    if (!S_ISREG(st.st_mode)) f.refused = std::string("not a regular file: ") + fileKindName(st.st_mode) + " refused";
    ++result.entries;
    if (keep_(f)) result.kept.push_back(std::move(f));
  }

  /// An entry that is not a message file of the storage but is listed as not taken, with why.
  void refuse(int dirFd, const char* name, const std::string& path, const char* why) {
    struct stat st {};
    WalkedFile f;
    f.path = path;
    if (fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      f.size = static_cast<int64_t>(st.st_size);
      f.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
      f.identity = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    }
    f.refused = why;
    ++result.entries;
    if (keep_(f)) result.kept.push_back(std::move(f));
  }

  /// Walks the folder open as `dirFd` (taken over and closed).
  void folder(int dirFd, const std::string& prefix, int depth) {
    DIR* dir = fdopendir(dirFd);
    if (dir == nullptr) {
      ::close(dirFd);
      return;
    }
    while (dirent* e = readdir(dir)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      entry(dirfd(dir), e->d_name, e->d_type, prefix, depth);
    }
    closedir(dir);
  }

  WalkResult result;

 private:
  int fileDepth_;
  const std::function<bool(const WalkedFile&)>& keep_;
};

struct Entry {
  std::string name;
  unsigned char type;
};

/// The entries of the folder `dir`, "." and ".." left out.
std::vector<Entry> entriesOf(DIR* dir) {
  std::vector<Entry> out;
  while (dirent* e = readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) out.push_back({e->d_name, e->d_type});
  }
  return out;
}

/// Each of `entries` (of the folder open as `dirFd`, at `depth`) walked by one of the walkers.
void shareOut(std::vector<Walker>& walkers, int dirFd, const std::vector<Entry>& entries, const std::string& prefix,
              int depth) {
  std::atomic<std::size_t> next{0};
  auto work = [&](Walker& w) {
    for (std::size_t i = next++; i < entries.size(); i = next++) {
      w.entry(dirFd, entries[i].name.c_str(), entries[i].type, prefix, depth);
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < walkers.size() && entries.size() > 1; ++t) pool.emplace_back(work, std::ref(walkers[t]));
  work(walkers[0]);
  for (std::thread& t : pool) t.join();
}

}  // namespace

Result<WalkResult> walkStorage(const std::string& root, int fileDepth, int threads,
                               const std::function<bool(const WalkedFile&)>& keep) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::unavailable(std::string("cannot open the storage root: ") + std::strerror(errno));
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return Status::unavailable("cannot read the storage root");
  }
  std::vector<Walker> walkers(static_cast<std::size_t>(std::max(1, threads)), Walker(fileDepth, keep));
  // The threads share the folders of the second level (the storage's first level often has one
  // folder only: "000" for hospitals whose ids begin with zeros), one first-level folder at a time.
  for (const Entry& top : entriesOf(dir)) {
    const bool folder = top.type == DT_DIR || top.type == DT_UNKNOWN;
    const int sub = folder && fileDepth > 1
                        ? openat(dirfd(dir), top.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                        : -1;
    DIR* subDir = sub >= 0 ? fdopendir(sub) : nullptr;
    if (subDir == nullptr) {
      if (sub >= 0) ::close(sub);
      walkers[0].entry(dirfd(dir), top.name.c_str(), top.type, "", 1);  // a file, a link, or gone
      continue;
    }
    shareOut(walkers, dirfd(subDir), entriesOf(subDir), top.name, 2);
    closedir(subDir);
  }
  closedir(dir);
  WalkResult out = std::move(walkers[0].result);
  for (std::size_t t = 1; t < walkers.size(); ++t) {
    out.entries += walkers[t].result.entries;
    for (WalkedFile& f : walkers[t].result.kept) out.kept.push_back(std::move(f));
  }
  return out;
}

}  // namespace renkei::adapters

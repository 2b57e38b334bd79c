// The read-only storage walk (see storage_walk.h).
#include "storage_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace renkei::adapters {
namespace {

const char* kindOf(mode_t mode) {
  if (S_ISLNK(mode)) return "not a regular file: symbolic link refused";
  if (S_ISFIFO(mode)) return "not a regular file: FIFO refused";
  if (S_ISSOCK(mode)) return "not a regular file: socket refused";
  if (S_ISCHR(mode)) return "not a regular file: character device refused";
  if (S_ISBLK(mode)) return "not a regular file: block device refused";
  return "not a regular file: refused";
}

/// Walks the folder open as `dirFd` (taken over and closed), `prefix` its relative path.
void walkFolder(int dirFd, const std::string& prefix, int depth, int fileDepth,
                const std::function<void(WalkedFile&&)>& visit) {
  DIR* dir = fdopendir(dirFd);
  if (dir == nullptr) {
    ::close(dirFd);
    return;
  }
  while (dirent* e = readdir(dir)) {
    const char* name = e->d_name;
    if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
    struct stat st {};
    if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    const std::string path = prefix.empty() ? std::string(name) : prefix + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      if (depth >= fileDepth) continue;
      const int child = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child >= 0) walkFolder(child, path, depth + 1, fileDepth, visit);
      continue;
    }
    WalkedFile f;
    f.path = path;
    f.size = static_cast<int64_t>(st.st_size);
    f.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.identity = {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
    if (!S_ISREG(st.st_mode)) f.refused = kindOf(st.st_mode);
    else if (depth != fileDepth) continue;  // a file outside the storage's layout: not ours
    visit(std::move(f));
  }
  closedir(dir);
}

}  // namespace

Status walkStorage(const std::string& root, int fileDepth, const std::function<void(WalkedFile&&)>& visit) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Status::unavailable(std::string("cannot open the storage root: ") + std::strerror(errno));
  walkFolder(fd, "", 1, fileDepth, visit);
  return Status::okStatus();
}

}  // namespace renkei::adapters

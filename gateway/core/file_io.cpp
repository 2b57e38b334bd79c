// Bounded whole-file reads, reads that never leave a folder, and output folders on POSIX (the
// atomic writes are in atomic_write.cpp).
#include "renkei/core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace renkei {
namespace {

Result<std::string> readFd(int fd, std::size_t maxBytes, const std::string& what) {
  std::string out;
  std::size_t expected = 0;
  struct stat st {};
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<std::size_t>(st.st_size) > maxBytes) {
      return Status::tooLarge(what + " is " + std::to_string(st.st_size) +
                              " bytes, over the limit of " + std::to_string(maxBytes));
    }
    expected = static_cast<std::size_t>(st.st_size);
  }
  // Read straight into the string (no bounce buffer): a file's size is known, a stream grows it.
  std::size_t used = 0;
  out.resize(std::max<std::size_t>(expected + 1, 65536));
  for (;;) {
    if (used == out.size()) {
      if (used > maxBytes) break;
      out.resize(std::min(out.size() * 2, maxBytes + 1));
    }
    const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::unavailable("cannot read " + what + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > maxBytes) {
    return Status::tooLarge(what + " exceeds the limit of " + std::to_string(maxBytes) + " bytes");
  }
  out.resize(used);
  return out;
}

}  // namespace

const char* fileKindName(unsigned mode) {
  if (S_ISLNK(mode)) return "symbolic link";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

namespace {

/// The folder rule on a stat result: a regular file with one name.
Status checkRegular(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) {
    return Status::invalidInput(std::string("not a regular file: ") + fileKindName(st.st_mode) +
                                " refused");
  }
  if (st.st_nlink > 1) {
    return Status::invalidInput("hard link refused: the file has " + std::to_string(st.st_nlink) +
                                " names");
  }
  return {};
}

}  // namespace

Result<FileIdentity> regularFileIdentity(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR) return Status::notFound("the file is gone");
    return Status::unavailable(std::string("cannot inspect the file: ") + std::strerror(e));
  }
  RENKEI_RETURN_IF_ERROR(checkRegular(st));
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

Result<RegularFileStream> RegularFileStream::open(const std::string& path, const FileIdentity& expected) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ELOOP) return Status::invalidInput("not a regular file: symbolic link refused");
    if (e == ENOENT || e == ENOTDIR) return Status::notFound("the file is gone");
    return Status::unavailable(std::string("cannot open the file: ") + std::strerror(e));
  }
  RegularFileStream stream(fd, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    return Status::unavailable(std::string("cannot inspect the file: ") + std::strerror(errno));
  }
  RENKEI_RETURN_IF_ERROR(checkRegular(st));
  if (static_cast<uint64_t>(st.st_dev) != expected.device || static_cast<uint64_t>(st.st_ino) != expected.inode) {
    return Status::invalidInput("the file was replaced between its check and its read: refused");
  }
  stream.size_ = static_cast<uint64_t>(st.st_size);
  return stream;
}

RegularFileStream::RegularFileStream(RegularFileStream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

RegularFileStream& RegularFileStream::operator=(RegularFileStream&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

RegularFileStream::~RegularFileStream() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> RegularFileStream::read(std::size_t maxBytes, std::string& out) {
  const std::size_t before = out.size();
  out.resize(before + maxBytes);
  std::size_t got = 0;
  while (got < maxBytes) {
    ssize_t n = ::read(fd_, out.data() + before + got, maxBytes - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      out.resize(before + got);
      return Status::unavailable(std::string("cannot read the file: ") + std::strerror(errno));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(before + got);
  return got == maxBytes;
}

Status RegularFileStream::rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    return Status::unavailable(std::string("cannot rewind the file: ") + std::strerror(errno));
  }
  return {};
}

Result<std::string> readRegularFileNoFollow(const std::string& path, std::size_t maxBytes,
                                            const FileIdentity& expected) {
  auto stream = RegularFileStream::open(path, expected);
  if (!stream.ok()) return stream.status();
  if (stream->size() > maxBytes) {
    return Status::tooLarge("the file is " + std::to_string(stream->size()) + " bytes, over the limit of " +
                            std::to_string(maxBytes));
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(stream->size()));
  for (;;) {
    auto more = stream->read(65536, out);
    if (!more.ok()) return more.status();
    if (out.size() > maxBytes) {
      return Status::tooLarge("the file exceeds the limit of " + std::to_string(maxBytes) + " bytes");
    }
    if (!more.value()) return out;
  }
}

Result<std::string> readFileLimited(const std::string& path, std::size_t maxBytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::unavailable("cannot open " + path + ": " + std::strerror(errno));
  auto r = readFd(fd, maxBytes, path);
  ::close(fd);
  return r;
}

Result<std::string> readStdinLimited(std::size_t maxBytes) {
  return readFd(STDIN_FILENO, maxBytes, "standard input");
}

Status prepareOutputFolder(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::unavailable("cannot create " + dir + ": " + ec.message());
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) {
      std::filesystem::remove(e.path(), ec);
    }
  }
  return {};
}

}  // namespace renkei

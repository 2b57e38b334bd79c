// Names in watched folders (see folder_names.h).
#include "renkei/core/folder_names.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace renkei {

bool ignoredName(const std::string& name) {
  auto endsWith = [&](std::string_view s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return name.empty() || name[0] == '.' || endsWith(".tmp") || endsWith(".part") ||
         endsWith(".reason.json");
}

Result<std::filesystem::path> freePath(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path stem = std::filesystem::path(name).stem();
  const std::filesystem::path ext = std::filesystem::path(name).extension();
  std::filesystem::path p = dir / name;
  for (int n = 1; n <= 100000; ++n) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p;
      return Status::unavailable(std::string("cannot look into the target folder: ") +
                                 std::strerror(errno));
    }
    p = dir / (stem.string() + "-" + std::to_string(n) + ext.string());
  }
  return Status::unavailable("no free name in the target folder");
}

}  // namespace renkei

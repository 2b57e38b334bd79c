// The package cache's location (see package_cache.h).
#include "package_cache.h"

#include <cstdlib>
#include <filesystem>

#include "renkei/fhir/compact_definitions.h"

namespace renkei::fhir {
namespace {

std::string cacheFolder() {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* env = std::getenv("RENKEI_CACHE_DIR"); env && *env) {
    dir = env;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = fs::path(xdg) / "renkei";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = fs::path(home) / ".cache" / "renkei";
  } else {
    return "";
  }
  dir /= "packages";
  std::error_code ec;
  fs::create_directories(dir, ec);
  return ec ? "" : dir.string();
}

}  // namespace

std::string packageCacheFile(const std::string& sha256) {
  static const std::string folder = cacheFolder();
  if (folder.empty()) return "";
  return folder + "/" + sha256 + "-v" + std::to_string(kCompactFormatVersion) + ".json";
}

}  // namespace renkei::fhir

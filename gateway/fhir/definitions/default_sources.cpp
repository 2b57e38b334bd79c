// Resolution of the default definition locations.
#include "renkei/fhir/default_sources.h"

#include <cstdlib>
#include <filesystem>

namespace renkei::fhir {
namespace {

std::string firstExisting(const char* envName, std::initializer_list<const char*> candidates) {
  if (const char* env = std::getenv(envName); env && *env) return env;
  std::error_code ec;
  for (const char* c : candidates) {
    if (std::filesystem::is_directory(c, ec)) return c;
  }
  return *candidates.begin();
}

}  // namespace

std::string defaultCoreDirectory() {
  // The build's compacted copy first (start-up reads a quarter of the bytes), else the bundles
  // as installed.
  return firstExisting("RENKEI_DEFINITIONS_DIR", {RENKEI_DEFAULT_DEFINITIONS_DIR, RENKEI_SOURCE_DEFINITIONS_DIR,
                                                  "/usr/share/renkei/definitions"});
}

std::string defaultProfilesDirectory() {
  return firstExisting("RENKEI_PROFILES_DIR",
                       {RENKEI_DEFAULT_PROFILES_DIR, "/usr/share/renkei/fhir-profiles"});
}

DefinitionSources defaultDefinitionSources() {
  DefinitionSources s;
  s.coreDirectory = defaultCoreDirectory();
  std::string profiles = defaultProfilesDirectory();
  std::error_code ec;
  if (std::filesystem::is_directory(profiles, ec)) s.packages.push_back(profiles);
  return s;
}

}  // namespace renkei::fhir

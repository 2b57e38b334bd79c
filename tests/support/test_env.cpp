// Test fixture locations and cached definition sets.
#include "test_env.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "renkei/fhir/default_sources.h"

namespace renkei::test {

std::filesystem::path sourceDir() { return RENKEI_SOURCE_DIR; }

std::optional<std::filesystem::path> sharedDir() {
  std::filesystem::path p;
  if (const char* env = std::getenv("RENKEI_SHARED_DIR"); env && *env) {
    p = env;
  } else {
    p = sourceDir().parent_path() / "shared";
  }
  std::error_code ec;
  if (std::filesystem::is_directory(p / "testdata", ec)) return p;
  return std::nullopt;
}

std::optional<std::filesystem::path> sharedTestdata(const std::string& relative) {
  auto s = sharedDir();
  if (!s) return std::nullopt;
  std::filesystem::path p = *s / "testdata" / relative;
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) return std::nullopt;
  return p;
}

std::optional<std::filesystem::path> npmPackage(const std::string& name) {
  std::filesystem::path p = sourceDir() / ".deps" / "npm" / "node_modules" / name;
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return p;
  return std::nullopt;
}

std::shared_ptr<const fhir::Definitions> coreDefinitions() {
  static std::shared_ptr<const fhir::Definitions> defs = [] {
    auto r = fhir::loadDefinitions(fhir::defaultDefinitionSources());
    if (!r.ok()) throw std::runtime_error("cannot load definitions: " + r.status().message());
    return r.value();
  }();
  return defs;
}

std::shared_ptr<const fhir::Definitions> jpDefinitions() {
  static std::shared_ptr<const fhir::Definitions> defs = []() -> std::shared_ptr<const fhir::Definitions> {
    auto core = sharedTestdata("jp-fhir-packages/jp-core.r4-1.1.2-url.tgz");
    auto clins = sharedTestdata("jp-fhir-packages/jp-clins.r4-1.5.2-snap.tgz");
    if (!core || !clins) return nullptr;
    fhir::DefinitionSources s = fhir::defaultDefinitionSources();
    s.packages.insert(s.packages.begin(), {core->string(), clins->string()});
    auto r = fhir::loadDefinitions(s);
    if (!r.ok()) throw std::runtime_error("cannot load JP definitions: " + r.status().message());
    return r.value();
  }();
  return defs;
}

std::string readText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace renkei::test

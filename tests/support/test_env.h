// Shared test fixtures: locating ../shared (official suites) and the npm packages, and loading
// definitions once per test process.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "renkei/fhir/definitions.h"

namespace renkei::test {

/// The shared test-data checkout beside this repository ($RENKEI_SHARED_DIR overrides), if present.
std::optional<std::filesystem::path> sharedDir();
/// A path inside ../shared/testdata, or nullopt when ../shared is absent.
std::optional<std::filesystem::path> sharedTestdata(const std::string& relative);
/// An installed npm package folder in .deps/npm/node_modules, if present.
std::optional<std::filesystem::path> npmPackage(const std::string& name);
/// The repository root.
std::filesystem::path sourceDir();

/// R4 core + Renkei profiles, loaded once.
std::shared_ptr<const fhir::Definitions> coreDefinitions();
/// R4 core + Renkei profiles + JP Core + JP-CLINS (from ../shared), loaded once; null if absent.
std::shared_ptr<const fhir::Definitions> jpDefinitions();

std::string readText(const std::filesystem::path& p);

}  // namespace renkei::test

/// Skips the current test with a clear message when ../shared is not beside the checkout.
#define RENKEI_REQUIRE_SHARED(path_var, relative)                                          \
  auto path_var##_opt = ::renkei::test::sharedTestdata(relative);                          \
  if (!path_var##_opt) {                                                                   \
    GTEST_SKIP() << "../shared/testdata/" relative " not found beside the checkout; set "  \
                    "RENKEI_SHARED_DIR to run this conformance test";                      \
  }                                                                                        \
  const std::filesystem::path path_var = *path_var##_opt

// Invariants decided without the engine (quick_verdict.h) must give exactly what the engine
// gives: every official R4 JSON example, every JSON file of the validator test cases (many of
// them invalid on purpose) and every mapping's golden Bundle is validated twice, with and without
// quick verdicts, and the issues must be the same.
#include <gtest/gtest.h>

#include <filesystem>

#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

std::shared_ptr<const Validator> validatorWith(std::shared_ptr<const Definitions> defs, bool quick) {
  auto invariants = std::make_shared<fhirpath::FhirPathInvariants>(defs);
  invariants->setQuickVerdicts(quick);
  auto validator = std::make_shared<Validator>(defs, invariants);
  invariants->setConformanceCheck(fhirpath::conformanceCheck(*validator));
  return validator;
}

std::string describe(const ValidationResult& r) {
  std::string out;
  for (const Issue& i : r.issues) {
    out += std::to_string(static_cast<int>(i.severity)) + " " + i.expression + " " + i.message + "\n";
  }
  return out;
}

/// Validates every JSON file under `dir` (recursively) both ways; returns how many were compared.
int compareUnder(const std::filesystem::path& dir, const Validator& quick, const Validator& engine) {
  int compared = 0;
  ReadOptions big;
  big.maxBytes = 256u << 20;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".json" || name == "package.json" || name[0] == '.') continue;
    auto read = readResource(test::readText(e.path()), SourceFormat::Json, big);
    if (!read.ok() || read.document->root() == nullptr || read.document->root()->resourceType.empty()) continue;
    ++compared;
    const std::string withQuick = describe(quick.validate(*read.document));
    const std::string withEngine = describe(engine.validate(*read.document));
    EXPECT_EQ(withQuick, withEngine) << e.path();
  }
  return compared;
}

TEST(QuickVerdicts, AgreeWithTheEngineOnTheOfficialExamplesAndTestCases) {
  auto examples = test::npmPackage("hl7.fhir.r4.examples");
  if (!examples) GTEST_SKIP() << "npm hl7.fhir.r4.examples not installed (scripts/install-deps.sh --test)";
  RENKEI_REQUIRE_SHARED(cases, "fhir-test-cases-r4");
  const auto defs = test::coreDefinitions();
  const auto quick = validatorWith(defs, true);
  const auto engine = validatorWith(defs, false);
  EXPECT_EQ(compareUnder(*examples, *quick, *engine), 5306);
  EXPECT_GT(compareUnder(cases / "validator", *quick, *engine), 300);
}

TEST(QuickVerdicts, AgreeWithTheEngineOnTheMappingsGoldenBundles) {
  const auto defs = test::jpDefinitions() ? test::jpDefinitions() : test::coreDefinitions();
  const auto quick = validatorWith(defs, true);
  const auto engine = validatorWith(defs, false);
  EXPECT_GT(compareUnder(test::sourceDir() / "mappings", *quick, *engine), 40);
}

}  // namespace
}  // namespace renkei::fhir

// Invariants decided without the engine (quick_verdict.h) must give exactly what the engine
// gives: every official R4 JSON example, every JSON file of the validator test cases (many of
// them invalid on purpose) and every mapping's golden Bundle is validated twice, with and without
// quick verdicts, and the issues must be the same.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

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

/// A collection Bundle of Basic resources, one per (fullUrl, versionId); empty parts left out.
std::string bundleOf(std::string_view type, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out = R"({"resourceType":"Bundle","type":")" + std::string(type) + R"(","entry":[)";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [url, version] = entries[i];
    out += i ? "," : "";
    out += "{";
    if (!url.empty()) out += R"("fullUrl":")" + url + R"(",)";
    out += R"("resource":{"resourceType":"Basic",)";
    if (!version.empty()) out += R"("meta":{"versionId":")" + version + R"("},)";
    out += R"("code":{"text":"x"}})";
    if (type == "history") out += R"(,"request":{"method":"POST","url":"Basic"},"response":{"status":"201"})";
    out += "}";
  }
  return out + "]}";
}

bool failsBdl7(const ValidationResult& r) {
  for (const Issue& i : r.issues) {
    if (i.message.find("bdl-7") != std::string::npos) return true;
  }
  return false;
}

TEST(QuickVerdicts, DecideUniqueFullUrlsAsTheEngineDoes) {
  const auto defs = test::coreDefinitions();
  const auto quick = validatorWith(defs, true);
  const auto engine = validatorWith(defs, false);
  const std::string a = "urn:uuid:a27a6b9e-08fa-5c39-85ae-e0c85de7daad";
  const std::string b = "urn:uuid:9a862c4c-915f-5d2c-8541-fa89cbac0323";
  struct Case {
    std::string bundle;
    bool fails;
  };
  const std::vector<Case> cases = {
      {bundleOf("collection", {{a, ""}, {b, ""}}), false},
      {bundleOf("collection", {{a, ""}, {b, ""}, {a, ""}}), true},
      {bundleOf("collection", {{a, "v1"}, {a, "v2"}}), false},   // the same resource in two versions
      {bundleOf("collection", {{a, "v1"}, {a, "v1"}}), true},
      {bundleOf("collection", {{a, "1"}, {a, "1"}}), true},      // a versionId the tree cannot type: the engine's
      {bundleOf("collection", {{a, "1"}, {a, "2"}}), false},
      {bundleOf("collection", {{"", ""}, {"", ""}, {b, ""}}), false},  // entries without a fullUrl do not count
      {bundleOf("collection", {{a + "x", ""}, {a, "x"}}), true},  // as the invariant reads: the joined texts are equal
      {bundleOf("history", {{a, ""}, {a, ""}}), false},
  };
  for (const Case& c : cases) {
    auto read = readResource(c.bundle, SourceFormat::Json);
    ASSERT_TRUE(read.ok()) << c.bundle;
    const ValidationResult withQuick = quick->validate(*read.document);
    EXPECT_EQ(describe(withQuick), describe(engine->validate(*read.document))) << c.bundle;
    EXPECT_EQ(failsBdl7(withQuick), c.fails) << c.bundle;
  }
}

TEST(QuickVerdicts, OrderDatesOfOnePrecisionAsTheEngineDoes) {
  const auto defs = test::coreDefinitions();
  const auto quick = validatorWith(defs, true);
  const auto engine = validatorWith(defs, false);
  struct Case {
    std::string start, end;
    bool fails;
  };
  const std::vector<Case> cases = {
      {"2024-11-20", "2024-11-28", false}, {"2024-11-28", "2024-11-20", true}, {"2024-11-20", "2024-11-20", false},
      {"2024-02", "2024-01", true},        {"2024-01", "2024-02", false},      {"2024-02-29", "2024-03-01", false},
      {"2023-02-29", "2023-03-01", true},  // not a date: left to the engine, which cannot compare it
      {"2024-11", "2024-11-20", true},     // different precisions: the engine's comparison is empty
      {"2024-11-20T10:00:00+09:00", "2024-11-20T09:00:00Z", false},
      {"2024-11-20T10:00:00+09:00", "2024-11-20T00:30:00Z", true},
      {"2024", "2023", true},
  };
  for (const Case& c : cases) {
    const std::string json = R"({"resourceType":"Encounter","status":"finished","class":{"code":"IMP"},"period":{"start":")" +
                             c.start + R"(","end":")" + c.end + R"("}})";
    auto read = readResource(json, SourceFormat::Json);
    ASSERT_TRUE(read.ok()) << json;
    const ValidationResult withQuick = quick->validate(*read.document);
    EXPECT_EQ(describe(withQuick), describe(engine->validate(*read.document))) << json;
    bool per1 = false;
    for (const Issue& i : withQuick.issues) per1 = per1 || i.message.find("per-1") != std::string::npos;
    EXPECT_EQ(per1, c.fails) << json;
  }
}

}  // namespace
}  // namespace renkei::fhir

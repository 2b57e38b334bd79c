// The official R4 validator cases that need no profile, package or terminology server: Renkei's
// verdict (error/fatal present or not) must agree with the reference validator's at least as
// often as the recorded floor. RENKEI_VERBOSE=1 lists every disagreement.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <iostream>

#include "../support/test_env.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"

namespace renkei::fhir {
namespace {

// Raise this when Renkei agrees with more cases; never lower it.
constexpr int kAgreementFloor = 193;

struct Case {
  std::string name, file, module;
  bool expectValid;
  bool allowComments = false;
  ValidationOptions options;
};

bool hasAny(const rapidjson::Value& t, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (t.HasMember(k)) return true;
  }
  return false;
}

std::vector<Case> selfContainedCases(const std::filesystem::path& dir) {
  rapidjson::Document m;
  std::string text = test::readText(dir / "manifest.json");
  m.Parse(text.c_str());
  std::vector<Case> out;
  for (const auto& t : m["test-cases"].GetArray()) {
    std::string version = t.HasMember("version") ? t["version"].GetString() : "";
    if (version.rfind("4.0", 0) != 0) continue;
    if (t.HasMember("use-test") && t["use-test"].IsFalse()) continue;
    std::string module = t.HasMember("module") ? t["module"].GetString() : "";
    if (module == "tx" || module == "tx-advanced") continue;
    if (hasAny(t, {"packages", "profile", "logical", "supporting", "profiles"})) continue;
    if (!t.HasMember("java") || !t["java"].IsString()) continue;
    std::filesystem::path outcome = dir / "outcomes" / t["java"].GetString();
    std::string file = t["file"].GetString();
    if (!std::filesystem::exists(outcome) || !std::filesystem::exists(dir / file)) continue;
    if (!formatFromName(file)) continue;
    rapidjson::Document oo;
    std::string ooText = test::readText(outcome);
    oo.Parse(ooText.c_str());
    bool valid = true;
    if (oo.HasMember("issue")) {
      for (const auto& i : oo["issue"].GetArray()) {
        std::string sev = i["severity"].GetString();
        if (sev == "error" || sev == "fatal") valid = false;
      }
    }
    Case c{t["name"].GetString(), file, module, valid};
    c.allowComments = t.HasMember("allow-comments") && t["allow-comments"].IsTrue();
    c.options.securityChecks = t.HasMember("security-checks") && t["security-checks"].IsTrue();
    c.options.noHtmlInMarkdown = t.HasMember("noHtmlInMarkdown") && t["noHtmlInMarkdown"].IsTrue();
    c.options.allowExampleUrls = t.HasMember("examples") && t["examples"].IsTrue();
    c.options.lenientContained = t.HasMember("validateContains") &&
                                 std::string(t["validateContains"].GetString()) == "IGNORE";
    out.push_back(std::move(c));
  }
  return out;
}

TEST(ValidatorAgreement, SelfContainedR4Cases) {
  RENKEI_REQUIRE_SHARED(dir, "fhir-test-cases-r4/validator");
  std::vector<Case> cases = selfContainedCases(dir);
  ASSERT_EQ(cases.size(), 210u) << "the selection rule no longer matches the suite";
  const auto validator = fhirpath::makeValidator(test::coreDefinitions());
  const bool verbose = std::getenv("RENKEI_VERBOSE") != nullptr;
  int agree = 0, jsonAgree = 0, jsonTotal = 0, acceptsInvalid = 0, rejectsValid = 0;
  for (const Case& c : cases) {
    ReadOptions ro;
    ro.allowComments = c.allowComments;
    ReadResult read = readResource(test::readText(dir / c.file), formatFromName(c.file), ro);
    bool valid = false;
    std::vector<Issue> issues;
    if (read.ok()) {
      ValidationResult r = validator->validate(*read.document, c.options);
      valid = r.valid();
      issues = std::move(r.issues);
    } else {
      issues.push_back({Severity::Fatal, IssueType::Invalid, read.status.message()});
    }
    bool ok = valid == c.expectValid;
    agree += ok;
    if (c.file.size() > 5 && c.file.compare(c.file.size() - 5, 5, ".json") == 0) {
      ++jsonTotal;
      jsonAgree += ok;
    }
    if (!ok) (valid ? acceptsInvalid : rejectsValid)++;
    if (!ok && verbose) {
      std::cout << "DISAGREE " << c.name << " [" << c.module << "] " << c.file << " expected "
                << (c.expectValid ? "valid" : "invalid") << "\n";
      for (const Issue& i : issues) {
        if (isErrorOrFatal(i.severity)) {
          std::cout << "    " << severityCode(i.severity) << " " << i.expression << ": "
                    << i.message.substr(0, 200) << "\n";
        }
      }
    }
  }
  std::cout << "validator agreement: " << agree << "/" << cases.size() << " (JSON " << jsonAgree
            << "/" << jsonTotal << "; accepts-invalid " << acceptsInvalid << ", rejects-valid "
            << rejectsValid << ")\n";
  EXPECT_GE(agree, kAgreementFloor);
}

}  // namespace
}  // namespace renkei::fhir

// JP Core 1.1.2 and JP-CLINS 1.5.2 as published: every example resource in the packages
// validates against the profiles it declares without a false error.
#include <gtest/gtest.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"
#include "fhir/definitions/package_reader.h"

namespace renkei::fhir {
namespace {

bool isConformanceResource(std::string_view type) {
  return type == "StructureDefinition" || type == "ValueSet" || type == "CodeSystem" ||
         type == "NamingSystem" || type == "ImplementationGuide" || type == "SearchParameter" ||
         type == "CapabilityStatement";
}

TEST(JpPackages, ExamplesValidateAgainstTheirOwnProfiles) {
  RENKEI_REQUIRE_SHARED(core, "jp-fhir-packages/jp-core.r4-1.1.2-url.tgz");
  RENKEI_REQUIRE_SHARED(clins, "jp-fhir-packages/jp-clins.r4-1.5.2-snap.tgz");
  const auto validator = fhirpath::makeValidator(test::jpDefinitions());
  int examples = 0, profiled = 0;
  for (const auto& pkg : {core, clins}) {
    Status st = readPackageFiles(pkg.string(), {}, [&](const std::string& name, std::string text) {
      auto read = readJson(std::move(text));
      ASSERT_TRUE(read.ok()) << name << ": " << read.status.message();
      const Node& root = *read.document->root();
      if (isConformanceResource(root.resourceType)) return;
      ++examples;
      if (const Node* meta = root.child("meta"); meta && meta->child("profile")) ++profiled;
      ValidationResult r = validator->validate(*read.document);
      EXPECT_TRUE(r.valid()) << name << "\n" << issuesAsText(r.issues, name);
    });
    ASSERT_TRUE(st.ok()) << st.message();
  }
  std::cout << "JP package examples: " << examples << " validated (" << profiled
            << " declare a profile)\n";
  EXPECT_GE(examples, 50);
}

TEST(JpPackages, JapaneseProfilesCatchViolations) {
  auto defs = test::jpDefinitions();
  if (!defs) GTEST_SKIP() << "../shared/testdata/jp-fhir-packages not found beside the checkout";
  const auto validator = fhirpath::makeValidator(defs);
  auto read = readJson(R"({"resourceType":"Observation","meta":{"profile":[
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Observation_LabResult"]},"status":"final",
    "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",
    "code":"vital-signs"}]}],"code":{"text":"x"},"subject":{"reference":"Patient/1"},
    "effectiveDateTime":"2024-01-01"})");
  ASSERT_TRUE(read.ok());
  ValidationResult r = validator->validate(*read.document);
  bool sliceMissing = false;
  for (const Issue& i : r.issues) {
    if (i.message.find("Slice 'Observation.category:laboratory'") != std::string::npos) {
      sliceMissing = true;
      EXPECT_EQ(i.expression, "Observation");
    }
  }
  EXPECT_TRUE(sliceMissing) << issuesAsText(r.issues, "lab");
}

TEST(JpPackages, TheSampleReferralConformsToJpClinsAndItsSectionSlicesResolveReferences) {
  auto defs = test::jpDefinitions();
  if (!defs) GTEST_SKIP() << "../shared/testdata/jp-fhir-packages not found beside the checkout";
  const auto validator = fhirpath::makeValidator(defs);
  const std::string sample =
      test::readText(test::sourceDir() / "samples" / "fhir" / "Bundle-jp-clins-referral.json");
  auto read = readJson(sample);
  ASSERT_TRUE(read.ok());
  ValidationResult r = validator->validate(*read.document);
  EXPECT_TRUE(r.valid()) << issuesAsText(r.issues, "referral");

  // The referral-to section's entry must resolve() to a JP_Organization_eCS: pointing it at the
  // Practitioner breaks the profile-discriminated slice.
  std::string wrongTarget = sample;
  const std::string to = "\"紹介先情報\"";
  const std::size_t section = wrongTarget.find(to);
  ASSERT_NE(section, std::string::npos);
  const std::string receiver = "0a1b2c3d-0000-4000-8000-000000000005";  // the receiving clinic
  const std::size_t reference = wrongTarget.find(receiver, section);
  ASSERT_NE(reference, std::string::npos);
  wrongTarget.replace(reference, receiver.size(), "0a1b2c3d-0000-4000-8000-000000000008");
  auto broken = readJson(wrongTarget);
  ASSERT_TRUE(broken.ok()) << broken.status.message();
  ValidationResult b = validator->validate(*broken.document);
  EXPECT_NE(issuesAsText(b.issues, "broken").find("referralToOrganization"), std::string::npos)
      << issuesAsText(b.issues, "broken");
}

}  // namespace
}  // namespace renkei::fhir

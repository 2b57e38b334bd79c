// Validator behaviour pinned on small resources: structure, cardinality, types, bindings,
// extensions, references in Bundles, locations and the OperationOutcome it produces.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest() : validator_(fhirpath::makeValidator(test::coreDefinitions())) {}

  ValidationResult run(const std::string& text, const ValidationOptions& options = {}) {
    auto read = readResource(text, std::nullopt);
    EXPECT_TRUE(read.ok()) << read.status.message();
    doc_ = std::move(read.document);
    return validator_->validate(*doc_, options);
  }

  static const Issue* find(const ValidationResult& r, std::string_view messagePart) {
    for (const Issue& i : r.issues) {
      if (i.message.find(messagePart) != std::string::npos) return &i;
    }
    return nullptr;
  }

  std::shared_ptr<const Validator> validator_;
  std::unique_ptr<Document> doc_;
};

TEST_F(ValidatorTest, AcceptsAValidResource) {
  auto r = run(R"({"resourceType":"Patient","id":"p1","active":true,"gender":"female",
                   "name":[{"family":"Yamada","given":["Hanako"]}],"birthDate":"1942-03-09"})");
  EXPECT_TRUE(r.valid()) << issuesAsText(r.issues, "test");
}

TEST_F(ValidatorTest, UnknownElementHasPathAndPosition) {
  auto r = run("{\n  \"resourceType\": \"Patient\",\n  \"nickname\": \"x\"\n}");
  const Issue* i = find(r, "Unrecognized element 'nickname'");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->severity, Severity::Error);
  EXPECT_EQ(i->type, IssueType::Structure);
  EXPECT_EQ(i->expression, "Patient.nickname");
  EXPECT_EQ(i->line, 3u);
  EXPECT_EQ(i->column, 3u);
}

TEST_F(ValidatorTest, CardinalityIsCheckedAtTheParent) {
  auto r = run(R"({"resourceType":"Observation","code":{"text":"x"},"identifier":{"value":"1"}})");
  const Issue* status = find(r, "Observation.status: minimum required = 1, but only found 0");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->expression, "Observation");
  EXPECT_NE(find(r, "must be a JSON Array"), nullptr);
}

TEST_F(ValidatorTest, ChoiceTypesResolveByName) {
  auto ok = run(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
                    "valueQuantity":{"value":1.5,"unit":"kg"}})");
  EXPECT_TRUE(ok.valid()) << issuesAsText(ok.issues, "ok");
  auto bad = run(R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
                     "valueAddress":{"city":"x"},"valueString":"a","valueBoolean":true})");
  EXPECT_NE(find(bad, "Unrecognized element 'valueAddress'"), nullptr);
  EXPECT_NE(find(bad, "Observation.value[x]: max allowed = 1, but found 2"), nullptr);
}

TEST_F(ValidatorTest, PrimitiveFormatsAndJsonTypes) {
  auto r = run(R"({"resourceType":"Patient","birthDate":"1970-02-30","active":"true",
                   "multipleBirthInteger":1.5})");
  const Issue* date = find(r, "'1970-02-30' is not a valid date");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->expression, "Patient.birthDate");
  EXPECT_NE(find(r, "must be a boolean"), nullptr);
  EXPECT_NE(find(r, "'1.5' is not a valid integer"), nullptr);
}

TEST_F(ValidatorTest, RequiredBindingsAreEnforced) {
  auto r = run(R"({"resourceType":"Patient","gender":"femme"})");
  const Issue* i = find(r, "The value provided ('femme') was not found in the value set");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->type, IssueType::CodeInvalid);
  EXPECT_EQ(i->expression, "Patient.gender");
}

TEST_F(ValidatorTest, BindingsThatCannotBeCheckedSaySoAsInformation) {
  auto r = run(R"({"resourceType":"Patient","photo":[{"contentType":"image/x-anything",
                   "url":"http://photos.renkei.test/1"}]})");
  EXPECT_TRUE(r.valid());
  const Issue* i = find(r, "not checked");
  ASSERT_NE(i, nullptr) << "an unverifiable binding must never pass silently";
  EXPECT_EQ(i->severity, Severity::Information);
  EXPECT_EQ(i->expression, "Patient.photo[0].contentType");
}

TEST_F(ValidatorTest, CodesOfLocalCodeSystemsMustExist) {
  auto r = run(R"({"resourceType":"Patient","maritalStatus":{"coding":[{
      "system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"ZZ"}]}})");
  EXPECT_NE(find(r, "Unknown code 'ZZ'"), nullptr);
}

TEST_F(ValidatorTest, ExtensionsMustBeKnownAndInTheRightSlot) {
  auto unknown = run(R"({"resourceType":"Patient","extension":[{"url":"http://renkei.test/x",
                         "valueString":"a"}]})");
  EXPECT_NE(find(unknown, "could not be found so is not allowed here"), nullptr);
  auto modifier = run(R"({"resourceType":"Patient","modifierExtension":[{"url":
      "http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"x"}}]})");
  EXPECT_NE(find(modifier, "must be used as an extension, not as a modifierExtension"), nullptr);
  auto wrongType = run(R"({"resourceType":"Patient","extension":[{"url":
      "http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueString":"Tokyo"}]})");
  EXPECT_NE(find(wrongType, "valueString"), nullptr);
  auto ok = run(R"({"resourceType":"Patient","extension":[{"url":
      "http://hl7.org/fhir/StructureDefinition/patient-birthPlace","valueAddress":{"city":"Tokyo"}}]})");
  EXPECT_TRUE(ok.valid()) << issuesAsText(ok.issues, "ok");
}

TEST_F(ValidatorTest, BundleEntriesAreValidatedAndReferencesResolved) {
  auto r = run(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:9a0c3f6e-1b7d-4c52-8f4e-2d3b6a7c8e91","resource":{"resourceType":"Organization","name":"A"}},
    {"fullUrl":"urn:uuid:0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f","resource":{"resourceType":"Patient",
      "nickname":"x","generalPractitioner":[{"reference":"urn:uuid:9a0c3f6e-1b7d-4c52-8f4e-2d3b6a7c8e91"}],
      "managingOrganization":{"reference":"Practitioner/1"}}}]})");
  const Issue* nested = find(r, "Unrecognized element 'nickname'");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->expression, "Bundle.entry[1].resource.nickname");
  EXPECT_NE(find(r, "'Practitioner' implied by the reference URL is not a valid Target"), nullptr);
  EXPECT_EQ(find(r, "generalPractitioner"), nullptr) << "Organization is a valid target";

  auto wrongTarget = run(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:9a0c3f6e-1b7d-4c52-8f4e-2d3b6a7c8e91","resource":{"resourceType":"Device"}},
    {"fullUrl":"urn:uuid:0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f","resource":{"resourceType":"Patient",
      "managingOrganization":{"reference":"urn:uuid:9a0c3f6e-1b7d-4c52-8f4e-2d3b6a7c8e91"}}}]})");
  const Issue* target = find(wrongTarget, "has resourceType Device");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->expression, "Bundle.entry[1].resource.managingOrganization");
}

TEST_F(ValidatorTest, ContainedReferencesMustResolve) {
  auto r = run(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o1",
                   "name":"A"}],"managingOrganization":{"reference":"#o2"}})");
  EXPECT_NE(find(r, "The contained resource 'o2' is not found"), nullptr);
}

TEST_F(ValidatorTest, XmlElementsMustBeInOrder) {
  auto r = run(R"(<Patient xmlns="http://hl7.org/fhir"><gender value="male"/><active value="true"/></Patient>)");
  const Issue* i = find(r, "Element 'active' is out of order");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->line, 1u);
}

TEST_F(ValidatorTest, DeclaredAndRequestedProfilesAreApplied) {
  std::string text = R"({"resourceType":"Observation","status":"final","code":{"text":"x"},
                         "meta":{"profile":["http://renkei.test/unknown"]}})";
  auto declared = run(text);
  const Issue* unknown = find(declared, "has not been checked because it is unknown");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->severity, Severity::Warning);
  ValidationOptions o;
  o.profiles.push_back("http://hl7.org/fhir/StructureDefinition/vitalsigns");
  auto requested = run(text, o);
  EXPECT_FALSE(requested.valid());
  EXPECT_NE(find(requested, "Observation.subject: minimum required = 1"), nullptr);
}

TEST_F(ValidatorTest, NarrativeMustBeSafeXhtml) {
  auto r = run(R"({"resourceType":"Patient","text":{"status":"generated",
      "div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x()</script><a href=\"javascript:x\">y</a></div>"}})");
  EXPECT_NE(find(r, "Invalid element name in the XHTML ('script')"), nullptr);
  EXPECT_NE(find(r, "Hyperlink scheme 'javascript'"), nullptr);
  auto empty = run(R"({"resourceType":"Patient","text":{"status":"generated",
      "div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">  </div>"}})");
  EXPECT_NE(find(empty, "txt-2"), nullptr);
}

TEST_F(ValidatorTest, OperationOutcomeCarriesExpressionAndPosition) {
  auto r = run("{\"resourceType\":\"Patient\",\n\"nickname\":1}");
  std::string oo = operationOutcomeJson(r.issues);
  EXPECT_NE(oo.find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
  EXPECT_NE(oo.find("\"expression\":[\"Patient.nickname\"]"), std::string::npos);
  EXPECT_NE(oo.find("operationoutcome-issue-line\",\"valueInteger\":2"), std::string::npos);
  EXPECT_NE(oo.find("\"severity\":\"error\",\"code\":\"structure\""), std::string::npos);
}

TEST_F(ValidatorTest, IsSafeToShareAcrossThreads) {
  std::string text = R"({"resourceType":"Patient","gender":"femme","birthDate":"1970-13"})";
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto read = readResource(text, SourceFormat::Json);
        errors += static_cast<int>(validator_->validate(*read.document).errorCount());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 4 * 50 * 2);
}

}  // namespace
}  // namespace renkei::fhir

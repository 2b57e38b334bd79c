// Renkei's own profiles (fhir-profiles/): the sample patient conforms, and each rule it adds
// over base R4 catches its violation at the right location.
#include <gtest/gtest.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

class RenkeiProfiles : public ::testing::Test {
 protected:
  RenkeiProfiles()
      : validator_(fhirpath::makeValidator(test::coreDefinitions())),
        sample_(test::readText(test::sourceDir() / "samples/fhir/Patient-renkei-example.json")) {}

  // Validates the sample after replacing `from` with `to` in its text.
  ValidationResult variant(const std::string& from, const std::string& to) {
    std::string text = sample_;
    std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    auto read = readJson(text);
    EXPECT_TRUE(read.ok()) << read.status.message();
    doc_ = std::move(read.document);
    return validator_->validate(*doc_);
  }

  static std::vector<const Issue*> errors(const ValidationResult& r) {
    std::vector<const Issue*> out;
    for (const Issue& i : r.issues) {
      if (isErrorOrFatal(i.severity)) out.push_back(&i);
    }
    return out;
  }

  std::shared_ptr<const Validator> validator_;
  std::string sample_;
  std::unique_ptr<Document> doc_;
};

TEST_F(RenkeiProfiles, SamplePatientConforms) {
  auto r = variant("\"gender\"", "\"gender\"");
  EXPECT_TRUE(r.valid()) << (r.issues.empty() ? "" : r.issues.front().message);
}

TEST_F(RenkeiProfiles, MalformedJapanesePatientIdSystemIsCaught) {
  auto r = variant("urn:oid:1.2.392.100495.20.3.51.11312345670", "urn:oid:1.2.392.100495.20.3.51.1131234567");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient.identifier[0].system");
  EXPECT_NE(e[0]->message.find("does not match the required pattern"), std::string::npos);
  EXPECT_GT(e[0]->line, 0u);
}

TEST_F(RenkeiProfiles, SyllabicNameWithoutKatakanaIsCaught) {
  auto r = variant("\"family\": \"レンケイ\"", "\"family\": \"れんけい\"");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient.name[1].family");
}

TEST_F(RenkeiProfiles, HalfWidthKanaAndFullWidthSpacesAreCaught) {
  auto half = variant("\"text\": \"レンケイ ハナコ\"", "\"text\": \"ﾚﾝｹｲ ﾊﾅｺ\"");
  ASSERT_EQ(errors(half).size(), 1u);
  EXPECT_EQ(errors(half)[0]->expression, "Patient.name[1].text");
  auto ideographicSpace = variant("\"text\": \"連携 花子\"", "\"text\": \"連携\u3000花子\"");
  ASSERT_EQ(errors(ideographicSpace).size(), 1u);
  EXPECT_EQ(errors(ideographicSpace)[0]->expression, "Patient.name[0].text");
}

TEST_F(RenkeiProfiles, BadPostalCodeIsCaught) {
  auto r = variant("\"163-8001\"", "\"1638001X\"");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient.address[0].postalCode");
}

TEST_F(RenkeiProfiles, MissingRequiredElementIsCaught) {
  auto r = variant("\"gender\": \"female\",", "");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient");
  EXPECT_NE(e[0]->message.find("Patient.gender: minimum required = 1"), std::string::npos) << e[0]->message;
}

TEST_F(RenkeiProfiles, OnlyAnIdentityPendingPatientMayLackItsBirthDate) {
  auto r = variant("\"birthDate\": \"1942-03-09\",", "");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_NE(e[0]->message.find("renkei-pat-2"), std::string::npos) << e[0]->message;
  std::string text = sample_;
  text.replace(text.find("\"birthDate\": \"1942-03-09\","), 26, "");
  text.replace(text.find("\"profile\""), 9,
               "\"tag\": [{\"system\": \"https://fhir.renkei.jp/CodeSystem/identity-status\", \"code\": \"pending\"}], \"profile\"");
  sample_ = text;
  auto pending = variant("\"gender\"", "\"gender\"");
  EXPECT_TRUE(errors(pending).empty());
}

TEST_F(RenkeiProfiles, CareInsuranceNumbersFollowTheirNamingSystem) {
  auto r = variant("\"131045:0000123456\"", "\"0000123456\"");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient.identifier[1].value");
}

TEST_F(RenkeiProfiles, OrganizationInstitutionCodeIsTenDigitsWithAValidCategory) {
  Validator v(test::coreDefinitions());
  auto check = [&](const std::string& code) {
    auto read = readJson(R"({"resourceType":"Organization","meta":{"profile":[
      "https://fhir.renkei.jp/StructureDefinition/RenkeiOrganization"]},"name":"新宿訪問看護",
      "identifier":[{"system":"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no",
      "value":")" + code + R"("}]})");
    return v.validate(*read.document);
  };
  EXPECT_TRUE(check("1361234567").valid()) << "13 Tokyo, 6 visiting-nurse station";
  EXPECT_FALSE(check("1321234567").valid()) << "fee category 2 does not exist";
  EXPECT_FALSE(check("136123456").valid());
}

TEST_F(RenkeiProfiles, BirthDateInTheFutureFailsItsInvariant) {
  auto r = variant("\"birthDate\": \"1942-03-09\"", "\"birthDate\": \"2999-01-01\"");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Patient");
  EXPECT_NE(e[0]->message.find("renkei-pat-1: 'The date of birth is not in the future'"),
            std::string::npos) << e[0]->message;
}

TEST_F(RenkeiProfiles, ImpossibleBirthDateIsReportedOnceNotAsAnInvariantFailure) {
  auto r = variant("\"birthDate\": \"1942-03-09\"", "\"birthDate\": \"1942-02-30\"");
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].expression, "Patient.birthDate");
  EXPECT_NE(r.issues[0].message.find("day 30 does not exist"), std::string::npos);
}

TEST_F(RenkeiProfiles, DischargeWithoutEndFailsItsInvariant) {
  const std::string bundle = test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
  auto ok = readJson(bundle);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(validator_->validate(*ok.document).valid());
  // The same discharge with period.end removed.
  std::string text = bundle;
  const std::string end = "\"end\": \"2026-11-20T11:30:00+09:00\"";
  const std::size_t at = text.find(end);
  ASSERT_NE(at, std::string::npos);
  const std::size_t comma = text.rfind(',', at);
  text.erase(comma, at + end.size() - comma);
  auto read = readJson(text);
  ASSERT_TRUE(read.ok()) << read.status.message();
  auto r = validator_->validate(*read.document);
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->expression, "Bundle.entry[3].resource");
  EXPECT_NE(e[0]->message.find("renkei-enc-1"), std::string::npos) << e[0]->message;
}

TEST_F(RenkeiProfiles, WhatTheProfileLeavesAsInR4IsWalkedOnceAndItsErrorsAreStillReported) {
  const StructureDef* profile =
      test::coreDefinitions()->structure("https://fhir.renkei.jp/StructureDefinition/RenkeiPatient");
  ASSERT_NE(profile, nullptr);
  auto flag = [&](const std::string& id) {
    const ElementDef* e = profile->find(id);
    EXPECT_NE(e, nullptr) << id;
    return e != nullptr && e->profileAddsNothing;
  };
  EXPECT_TRUE(flag("Patient.telecom")) << "as in R4: the profile walk skips it";
  EXPECT_FALSE(flag("Patient.identifier")) << "sliced and required by the profile";
  EXPECT_FALSE(flag("Patient.address")) << "its postal code has a pattern";
  EXPECT_FALSE(flag("Patient")) << "the root carries the profile's invariants";
  // An error below a skipped element comes from the base walk, once.
  auto r = variant("\"system\": \"phone\"", "\"system\": \"telepathy\"");
  auto e = errors(r);
  ASSERT_EQ(e.size(), 1u) << e.size();
  EXPECT_EQ(e[0]->expression, "Patient.telecom[0].system");
}

/// RenkeiCarePlan and the care-plan extensions: the sample month plan conforms; each rule catches.
class RenkeiCarePlanProfile : public RenkeiProfiles {
 protected:
  RenkeiCarePlanProfile() { sample_ = test::readText(test::sourceDir() / "samples/fhir/CarePlan-renkei-example.json"); }
};

TEST_F(RenkeiCarePlanProfile, SampleConformsAndEachRuleCatches) {
  auto ok = variant("\"scheduled\"", "\"scheduled\"");
  EXPECT_TRUE(ok.valid()) << (ok.issues.empty() ? "" : ok.issues.front().message);
  auto noTable = variant("care-plan-document", "care-plan-documents");
  ASSERT_FALSE(errors(noTable).empty());
  EXPECT_NE(errors(noTable)[0]->message.find("renkei-cp-1"), std::string::npos);
  auto noMonth = variant("\"start\": \"2024-11\",", "");
  ASSERT_FALSE(errors(noMonth).empty());
  EXPECT_NE(errors(noMonth)[0]->message.find("renkei-cp-4"), std::string::npos);
  auto badLine = variant("\"url\": \"units\"", "\"url\": \"unitz\"");
  ASSERT_FALSE(errors(badLine).empty()) << "a sub-extension the extension does not define";
  auto noKey = variant("NamingSystem/care-plan\"", "NamingSystem/careplan\"");
  EXPECT_FALSE(noKey.valid()) << "renkei-cp-2";
}

}  // namespace
}  // namespace renkei::fhir

// A faxed sheet that masks the patient's name, identified by a reviewer: the candidates are the
// reviewer's organization's own patients (never another organization's, however alike), scored on
// what the page says; the chosen patient becomes the page's — its identifiers first, the name and
// birth date taken over, the pending tag gone — so the registry knows the record and routing
// reaches the care team the office stated for that patient. A record of another organization is
// not the reviewer's to choose.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "pipeline/care_pipeline_fixture.h"
#include "renkei/forms/fax_bundle.h"
#include "renkei/forms/sample_pages.h"
#include "source_fax_review/patient_candidates.h"

namespace renkei::test {
namespace {

constexpr const char* kOfficeX = "urn:oid:1.2.392.100495.20.3.51.11312340001";
constexpr const char* kOfficeY = "urn:oid:1.2.392.100495.20.3.51.11312340002";

std::string officePatient(const std::string& system, const std::string& value) {
  return R"({"resourceType":"Patient","identifier":[{"system":")" + system + R"(","value":")" + value +
         R"("}],"name":[{"family":"連携","given":["花子"]},{"family":"レンケイ","given":["ハナコ"]}],)"
         R"("telecom":[{"system":"phone","value":"03-3900-1234"}],"gender":"female","birthDate":"1942-03-09",)"
         R"("address":[{"city":"北区","state":"東京都"}])";
}

class FaxPatientIdentityTest : public CarePipelineFixture {
 protected:
  void SetUp() override {
    buildWithRegistryAndClinic();
    // Office X's own record of her, with the かかりつけ医 it knows; office Y has the same person
    // (or her double) under its own number.
    send("office-x", R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":)" +
                         officePatient(kOfficeX, "77") +
                         R"(,"generalPractitioner":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"}]}},{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"Organization","name":"田端内科","telecom":[{"system":"phone","value":"03-3905-1111"}]}}]})",
         "sheet-x");
    send("office-y", officePatient(kOfficeY, "88") + "}", "sheet-y");

    std::vector<mapping::MappingError> errors;
    forms_ = forms::FormSet::load({forms::defaultFormsDir()}, errors);
    ASSERT_TRUE(errors.empty());
    form_ = forms_.byId("nyutaiin-renkei-sheet");
    ASSERT_NE(form_, nullptr);
    std::mt19937 random(5);
    auto values = forms::sampleValues(*form_, random);
    values.insert_or_assign("family", "●携");
    values.insert_or_assign("given", "●子");
    values.insert_or_assign("kana_family", "レンケイ");
    values.insert_or_assign("kana_given", "ハナコ");
    values.insert_or_assign("birth", "昭和17年3月9日");
    values.insert_or_assign("gender", "女");
    values.insert_or_assign("sheet_date", "令和6年11月20日");
    values.insert_or_assign("admitted", "R06.11.01");
    values.insert_or_assign("discharged", "令和6年11月20日");
    values.insert_or_assign("clinic", "");
    values.insert_or_assign("doctor", "");
    page_.page = 1;
    page_.form = form_->id;
    for (const auto& [name, value] : values) {
      forms::FieldReading f;
      f.name = name;
      f.value = value;
      f.accepted = true;
      page_.fields.push_back(f);
    }
  }

  forms::FormSet forms_;
  const forms::FormTemplate* form_ = nullptr;
  forms::PageReading page_;
};

TEST_F(FaxPatientIdentityTest, CandidatesAreTheReviewersOrganizationsOwnPatients) {
  ASSERT_TRUE(adapters::masksPatientName(form_, page_));
  adapters::PatientCandidates candidates(store_);
  auto forX = candidates.forPage("office-x", *form_, page_, 1000);
  ASSERT_TRUE(forX.ok()) << forX.status().toString();
  ASSERT_EQ(forX->size(), 1u) << "office Y's record of the same person is not office X's to see";
  EXPECT_EQ(forX->front().record, std::string(kOfficeX) + "|77");
  EXPECT_EQ(forX->front().known.familyName, "連携");
  EXPECT_NE(std::find(forX->front().reasons.begin(), forX->front().reasons.end(), "birth date equal"),
            forX->front().reasons.end());
  auto forY = candidates.forPage("office-y", *form_, page_, 1000);
  ASSERT_TRUE(forY.ok());
  ASSERT_EQ(forY->size(), 1u);
  EXPECT_EQ(forY->front().record, std::string(kOfficeY) + "|88");
  EXPECT_TRUE(candidates.forPage("office-z", *form_, page_, 1000)->empty());

  EXPECT_TRUE(candidates.record("office-x", std::string(kOfficeX) + "|77")->has_value());
  EXPECT_FALSE(candidates.record("office-x", std::string(kOfficeY) + "|88")->has_value())
      << "another organization's record is refused even when posted";

  forms::PageReading misread = page_;
  for (forms::FieldReading& f : misread.fields) {
    if (f.name == "admitted") f.value = "R06.91.01";
  }
  EXPECT_EQ(candidates.forPage("office-x", *form_, misread, 1000)->size(), 1u)
      << "a date misread elsewhere on the sheet keeps no candidate away";

  forms::PageReading born = page_;
  for (forms::FieldReading& f : born.fields) {
    if (f.name == "birth") f.value = "昭和20年1月1日";
    if (f.name == "kana_family" || f.name == "kana_given") f.value = "";
  }
  EXPECT_TRUE(candidates.forPage("office-x", *form_, born, 1000)->empty()) << "nothing the page says agrees";
}

TEST_F(FaxPatientIdentityTest, TheChosenPatientIsThePagesAndRoutingFollowsHerCareTeam) {
  forms::FaxEvidence evidence{std::string("II*\0\x01", 5), "fax.tif", "ab12", 1000, {"佐藤 花子"}};
  // Unidentified, the sheet stays pending: nothing knows whose かかりつけ医 to tell.
  auto pending = forms::faxPageBundle(*form_, page_, evidence);
  ASSERT_TRUE(pending.ok()) << pending.status().toString();
  EXPECT_NE(pending->find("identity-status"), std::string::npos);
  const std::vector<std::string> unidentified = destinationsOf(send("office-x", pending.value(), "fax-0").messageId);
  EXPECT_EQ(std::count(unidentified.begin(), unidentified.end(), "clinic-fhir"), 0);

  adapters::PatientCandidates candidates(store_);
  auto known = candidates.record("office-x", std::string(kOfficeX) + "|77");
  ASSERT_TRUE(known.ok() && known->has_value());
  page_.identity = forms::PatientIdentity{std::string(kOfficeX) + "|77", "佐藤 花子", known->value().patient};
  auto identified = forms::faxPageBundle(*form_, page_, evidence);
  ASSERT_TRUE(identified.ok()) << identified.status().toString();
  rapidjson::Document bundle;
  bundle.Parse(identified->c_str());
  const rapidjson::Value* patient = nullptr;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (std::string(e["resource"]["resourceType"].GetString()) == "Patient") patient = &e["resource"];
  }
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(std::string((*patient)["identifier"][0]["system"].GetString()), kOfficeX);
  EXPECT_EQ(std::string((*patient)["identifier"][0]["value"].GetString()), "77");
  EXPECT_GE((*patient)["identifier"].Size(), 2u) << "the fax's own 被保険者番号 kept after it";
  EXPECT_EQ(std::string((*patient)["name"][0]["family"].GetString()), "連携") << "the masked name replaced";
  EXPECT_EQ(identified->find("identity-status"), std::string::npos);

  EXPECT_EQ(destinationsOf(send("office-x", identified.value(), "fax-1").messageId),
            std::vector<std::string>{"clinic-fhir"})
      << "her かかりつけ医, as office X stated";

  page_.identity->patient = R"({"resourceType":"Patient","identifier":[{"system":"urn:x","value":"1"}]})";
  EXPECT_FALSE(forms::faxPageBundle(*form_, page_, evidence).ok())
      << "a Patient that does not carry the chosen record's identifier is refused";
}

}  // namespace
}  // namespace renkei::test

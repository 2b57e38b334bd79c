// Care teams from what arrives: the members a linkage sheet, a FHIR Bundle or an ADT message
// names (かかりつけ医, care manager, attending doctor) are found in the directory by identifier or
// phone number, receive the message at once, and are kept as the sender's CareTeam (one per
// role) so that the next message about the patient — from anyone — reaches them too.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "pipeline/care_pipeline_fixture.h"
#include "renkei/care/care_team_lookup.h"
#include "renkei/care/stated_care_team.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/write_intent.h"
#include "renkei/routing/message_facts.h"
#include "support/test_env.h"

namespace renkei::care {
namespace {

const char* kCareProvider = "https://fhir.renkei.jp/NamingSystem/care-provider-number";
const char* kPatientSystem = "urn:oid:1.2.392.100495.20.3.51.11312345678";

/// A golden Bundle of the repository (the first, when the file holds several).
std::string goldenBundle(const std::string& relative) {
  std::ifstream in(test::sourceDir() / relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  rapidjson::Document d;
  d.Parse(s.str().c_str());
  if (!d.IsArray() || d.Empty()) return s.str();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  d[0].Accept(w);
  return buffer.GetString();
}

std::vector<StatedMember> statedIn(const std::string& json) {
  auto read = fhir::readJson(json);
  EXPECT_TRUE(read.ok()) << read.status.message();
  return read.ok() ? statedMembers(*read.document->root()) : std::vector<StatedMember>{};
}

std::string patientP1() {
  return R"({"resourceType":"Patient","identifier":[{"system":")" + std::string(kPatientSystem) +
         R"(","value":"p1"}],"name":[{"family":"連携","given":["花子"]}],"gender":"female",)"
         R"("birthDate":"1942-03-09","address":[{"city":"北区","state":"東京都"}]})";
}

const StatedMember* withRole(const std::vector<StatedMember>& members, const std::string& role) {
  for (const StatedMember& m : members) {
    if (m.role == role) return &m;
  }
  return nullptr;
}

/// A care office's linkage sheet as FHIR: the patient, its かかりつけ医 (a doctor at a clinic known
/// only by name and phone) and its care manager (an office known by its 介護事業所番号).
std::string sheet(const std::string& clinicName = "田端内科クリニック",
                  const std::string& clinicPhone = "03-3905-1111") {
  auto entry = [](int n, const std::string& resource) {
    return R"({"fullUrl":"urn:uuid:00000000-0000-4000-8000-00000000000)" + std::to_string(n) +
           R"(","resource":)" + resource + "}";
  };
  std::string patient = patientP1();
  patient.insert(patient.size() - 1, R"(,"generalPractitioner":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"}])");
  return R"({"resourceType":"Bundle","type":"collection","entry":[)" + entry(1, patient) + "," +
         entry(2, R"({"resourceType":"PractitionerRole","practitioner":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000003"},)"
                  R"("organization":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000004"},"code":[{"text":"かかりつけ医"}]})") + "," +
         entry(3, R"({"resourceType":"Practitioner","name":[{"text":"田端 一郎"}]})") + "," +
         entry(4, R"({"resourceType":"Organization","name":")" + clinicName +
                  R"(","telecom":[{"system":"phone","value":")" + clinicPhone + R"("}]})") + "," +
         entry(5, R"({"resourceType":"PractitionerRole","organization":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000006"},)"
                  R"("code":[{"text":"介護支援専門員（担当ケアマネジャー）"}]})") + "," +
         entry(6, R"({"resourceType":"Organization","identifier":[{"system":")" + std::string(kCareProvider) +
                  R"(","value":"1371700123"}],"name":"王子ケアプランセンター"})") + "]}";
}

TEST(StatedMembers, ALinkageSheetNamesTheFamilyDoctorAndTheCareManager) {
  const std::vector<StatedMember> members = statedIn(sheet());
  ASSERT_EQ(members.size(), 2u);
  const StatedMember* doctor = withRole(members, "family-doctor");
  ASSERT_NE(doctor, nullptr);
  EXPECT_EQ(doctor->display(), "田端内科クリニック 田端 一郎");
  EXPECT_EQ(doctor->phones, std::vector<std::string>{"0339051111"});
  const StatedMember* manager = withRole(members, "care-manager");
  ASSERT_NE(manager, nullptr) << "介護支援専門員（担当ケアマネジャー） is a care manager";
  EXPECT_EQ(manager->identifiers, std::vector<std::string>{std::string(kCareProvider) + "|1371700123"});
}

TEST(StatedMembers, MappedSheetsAndAnAttendingDoctorChangeStateTheirMembers) {
  const std::vector<StatedMember> kita =
      statedIn(goldenBundle("mappings/kita-kaigo-iryo-sheet/golden/admission/expected.json"));
  ASSERT_NE(withRole(kita, "family-doctor"), nullptr);
  EXPECT_EQ(withRole(kita, "family-doctor")->organizationName, "田端内科クリニック");
  ASSERT_NE(withRole(kita, "care-manager"), nullptr);
  EXPECT_EQ(withRole(kita, "care-manager")->identifiers.front(), std::string(kCareProvider) + "|1371700123");

  const std::vector<StatedMember> a54 =
      statedIn(goldenBundle("mappings/ssmix2-adt-a54/golden/inpatient/expected.json"));
  const StatedMember* attending = withRole(a54, "attending-doctor");
  ASSERT_NE(attending, nullptr);
  EXPECT_FALSE(attending->identifiers.empty()) << "the hospital and the doctor by their identifiers";
  EXPECT_EQ(withRole(a54, "family-doctor"), nullptr)
      << "the hospital's attending doctor is not the person's かかりつけ医";

  EXPECT_TRUE(statedIn(patientP1()).empty());
  const std::string logical = R"({"resourceType":"Patient","identifier":[{"system":"x","value":"1"}],)"
                              R"("generalPractitioner":[{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.1","value":"1312345678"},"display":"中野内科"}]})";
  const std::vector<StatedMember> byIdentifier = statedIn(logical);
  ASSERT_EQ(byIdentifier.size(), 1u);
  EXPECT_EQ(byIdentifier[0].role, "family-doctor");
  EXPECT_EQ(byIdentifier[0].identifiers.front(), "urn:oid:1.2.392.100495.20.3.51.1|1312345678");
}

TEST(StatedMembers, AReferralLettersAddresseeIsTheHomeDoctorWhenWrittenAtDischarge) {
  const std::string referral = goldenBundle("samples/fhir/Bundle-jp-clins-referral.json");
  const std::vector<StatedMember> members = statedIn(referral);
  const StatedMember* home = withRole(members, "home-doctor");
  ASSERT_NE(home, nullptr) << "紹介先情報 of a 退院時文書";
  EXPECT_EQ(home->organizationName, "西新宿在宅クリニック");
  EXPECT_EQ(withRole(members, "family-doctor"), nullptr);

  std::string outpatient = referral;
  outpatient.replace(outpatient.find("\"DISCHARGE\""), 11, "\"OUTPATIENT\"");
  const std::vector<StatedMember> next = statedIn(outpatient);
  ASSERT_NE(withRole(next, "attending-doctor"), nullptr) << "otherwise: who treats the patient next";
  EXPECT_EQ(withRole(next, "attending-doctor")->organizationName, "西新宿在宅クリニック");
  EXPECT_EQ(withRole(next, "home-doctor"), nullptr);
}

TEST(StatedMembers, ACarePlansAuthorOfficeIsTheCareManagerOfThePersonItNames) {
  const std::string plan = goldenBundle("mappings/careplan-1kyo/golden/round-trip/expected.json");
  const std::vector<StatedMember> members = statedIn(plan);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].role, "care-manager");
  EXPECT_EQ(members[0].identifiers.front(), std::string(kCareProvider) + "|1310000001");
  auto read = fhir::readJson(plan);
  ASSERT_TRUE(read.ok());
  const routing::MessageFacts facts = routing::collectFacts(*read.document->root());
  EXPECT_EQ(facts.patientKey, "https://fhir.renkei.jp/NamingSystem/care-insured-number|131128:0000123456")
      << "no Patient: the person the plan names by 被保険者番号";
  const std::string medical = R"({"resourceType":"CarePlan","status":"active","intent":"plan",)"
                              R"("subject":{"identifier":{"system":"x","value":"1"}},)"
                              R"("author":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.1","value":"1312345678"}}})";
  EXPECT_TRUE(statedIn(medical).empty()) << "a clinic's medical plan does not make it a care manager";
}

TEST(StatedMembers, TheKeptCareTeamIsValidR4) {
  const std::vector<StatedMember> members = statedIn(sheet());
  const std::string id = statedCareTeamId(std::string(kPatientSystem) + "|p1", "family-doctor");
  EXPECT_EQ(id, statedCareTeamId(std::string(kPatientSystem) + "|p1", "family-doctor"));
  EXPECT_NE(id, statedCareTeamId(std::string(kPatientSystem) + "|p1", "care-manager"));
  const std::string json = statedCareTeamJson(id, std::string(kPatientSystem) + "|p1", "family-doctor",
                                              {members[0]}, {"Organization/clinic-tabata"});
  auto read = fhir::readJson(json);
  ASSERT_TRUE(read.ok());
  auto result = fhirpath::makeValidator(test::coreDefinitions())->validate(*read.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "CareTeam") << json;
  EXPECT_NE(json.find(R"("member":{"reference":"Organization/clinic-tabata","display":"田端内科クリニック 田端 一郎"})"),
            std::string::npos) << json;
}

// The daemon's pipeline with a care-team route; the ward desk keeps the directory.
class StatedCareTeamPipelineTest : public test::CarePipelineFixture {
 protected:
  void SetUp() override {
    buildCare({"family-doctor", "care-manager"}, {"desk"}, {"clinic-fhir", "ward-folder", "desk"});
    put("ward-desk", R"({"resourceType":"Endpoint","id":"ep-clinic","status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"https://clinic.example/fhir","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"clinic-fhir"}]})");
    put("ward-desk", R"({"resourceType":"Organization","id":"clinic-tabata","name":"田端内科","telecom":[{"system":"phone","value":"03(3905)1111"}],"endpoint":[{"reference":"Endpoint/ep-clinic"}]})");
    put("ward-desk", R"({"resourceType":"Endpoint","id":"ep-office","status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"file:ward","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"ward-folder"}]})");
    put("ward-desk", R"({"resourceType":"Organization","id":"office-oji","name":"王子ケアプランセンター","identifier":[{"system":")" +
        std::string(kCareProvider) + R"(","value":"1371700123"}],"endpoint":[{"reference":"Endpoint/ep-office"}]})");
  }

  /// "destination role" of each delivery of message `id`.
  std::vector<std::string> deliveriesOf(int64_t id) {
    std::vector<std::string> out;
    const std::vector<store::OutboxRow> rows = store_->outbox({}).value();
    for (const store::OutboxRow& row : rows) {
      if (row.messageId != id) continue;
      rapidjson::Document r;
      r.Parse(row.recipient.c_str());
      out.push_back(row.destination + " " + (r.IsObject() ? r["role"].GetString() : ""));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(StatedCareTeamPipelineTest, TheSheetReachesWhomItNamesAndTheHospitalsDischargeFollows) {
  using V = std::vector<std::string>;
  const pipeline::SubmitResult fromOffice = send("office-x", sheet(), "sheet-1");
  EXPECT_EQ(deliveriesOf(fromOffice.messageId), (V{"clinic-fhir family-doctor", "ward-folder care-manager"}))
      << "the clinic found by its phone number, the office by its 介護事業所番号";
  auto routing = store_->message(fromOffice.messageId).value()->routing;
  EXPECT_NE(routing.find(R"("assertedBy":"office-x:message")"), std::string::npos) << routing;

  // Kept as the office's statements: one CareTeam per role, found by the patient.
  int64_t total = 0;
  ASSERT_TRUE(store_->search("CareTeam", {"office-x", {}}, {}, 10, 0, total).ok());
  EXPECT_EQ(total, 2);
  const std::string doctorTeam = statedCareTeamId(std::string(kPatientSystem) + "|p1", "family-doctor");
  auto kept = store_->resource("CareTeam", doctorTeam, {"office-x", {}}, 0).value();
  ASSERT_TRUE(kept);
  EXPECT_NE(kept->content.find(R"("reference":"Organization/clinic-tabata")"), std::string::npos) << kept->content;

  // The hospital's discharge names no one: the care team the office stated receives it.
  const std::string discharge = patientP1();
  const pipeline::SubmitResult fromHospital = send("hospital-a", discharge, "adt-1");
  EXPECT_EQ(deliveriesOf(fromHospital.messageId), (V{"clinic-fhir family-doctor", "ward-folder care-manager"}));

  // The same sheet again makes no new version; a new かかりつけ医 replaces the old one.
  send("office-x", sheet(), "sheet-2");
  EXPECT_EQ(store_->history("CareTeam", doctorTeam, {"office-x", {}}, 10).value().size(), 1u);
  send("office-x", sheet("山田医院", "03-0000-0000"), "sheet-3");
  EXPECT_EQ(store_->history("CareTeam", doctorTeam, {"office-x", {}}, 10).value().size(), 2u);
  const pipeline::SubmitResult again = send("hospital-a", discharge, "adt-2");
  EXPECT_EQ(deliveriesOf(again.messageId), (V{"desk family-doctor", "ward-folder care-manager"}))
      << "山田医院 is not in the directory: the desk is told, the old clinic no longer";
}

}  // namespace
}  // namespace renkei::care

// The patient registry in the routing: a care office names the patient's かかりつけ医 under its own
// patient number; the hospital's discharge of the same person arrives under the hospital's number
// and still reaches the doctor — because matching linked the two records. Unclear matches wait for
// a person (REVIEW), masked names too (PENDING) until a person links them or the sender sends the
// name; a person's decision stands and routing follows it.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "pipeline/care_pipeline_fixture.h"
#include "renkei/pipeline/patient_registry.h"

namespace renkei::test {
namespace {

constexpr const char* kOffice = "urn:oid:1.2.392.100495.20.3.51.11312340001";
constexpr const char* kHospital = "urn:oid:1.2.392.100495.20.3.51.11319990002";

struct Person {
  std::string family = "連携", given = "花子", familyKana = "レンケイ", givenKana = "ハナコ";
  std::string birthDate = "1942-03-09", phone = "03-3900-1234";
};

std::string personJson(const std::string& system, const std::string& value, const Person& p,
                        const std::string& extra = "") {
  std::string names = R"([{"family":")" + p.family + R"(","given":[")" + p.given + R"("]})";
  if (!p.familyKana.empty()) {
    names += R"(,{"family":")" + p.familyKana + R"(","given":[")" + p.givenKana + R"("]})";
  }
  std::string telecom = p.phone.empty() ? "" : R"(,"telecom":[{"system":"phone","value":")" + p.phone + R"("}])";
  return R"({"resourceType":"Patient","identifier":[{"system":")" + system + R"(","value":")" + value +
         R"("}],"name":)" + names + "]" + telecom + R"(,"gender":"female","birthDate":")" + p.birthDate +
         R"(","address":[{"city":"北区","state":"東京都"}])" + extra + "}";
}

class PatientRegistryPipelineTest : public CarePipelineFixture {
 protected:
  void SetUp() override {
    buildWithRegistryAndClinic();
    // The care office's sheet: its patient, and the かかりつけ医 it knows by the clinic's phone.
    const std::string sheet =
        R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000001","resource":)" +
        personJson(kOffice, "77", Person{},
                    R"(,"generalPractitioner":[{"reference":"urn:uuid:00000000-0000-4000-8000-000000000002"}])") +
        R"(},{"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000002","resource":{"resourceType":"Organization","name":"田端内科","telecom":[{"system":"phone","value":"03-3905-1111"}]}}]})";
    const pipeline::SubmitResult fromOffice = send("office-x", sheet, "sheet-1");
    ASSERT_EQ(destinationsOf(fromOffice.messageId), std::vector<std::string>{"clinic-fhir"});
  }

  store::PatientLink record(const std::string& organization, const std::string& record) {
    store::PatientLinkFilter f;
    f.organization = organization;
    f.record = record;
    auto links = store_->patientLinks(f).value();
    EXPECT_EQ(links.size(), 1u) << record;
    return links.empty() ? store::PatientLink{} : links[0];
  }

  std::string hospitalRecord(const std::string& value) { return std::string(kHospital) + "|" + value; }
};

TEST_F(PatientRegistryPipelineTest, TheHospitalsNumberFindsTheCareTeamTheOfficeStatedUnderItsOwn) {
  const store::PatientLink office = record("office-x", std::string(kOffice) + "|77");
  EXPECT_EQ(office.state, store::kLinked);
  EXPECT_EQ(office.person, pipeline::personIdFor("office-x", std::string(kOffice) + "|77"));

  // The same person from the hospital: half-width kana, another phone format, its own number.
  Person same;
  same.familyKana = "ﾚﾝｹｲ";
  same.givenKana = "ﾊﾅｺ";
  same.phone = "０３（３９００）１２３４";
  const pipeline::SubmitResult discharge = send("hospital-a", personJson(kHospital, "H-900", same), "adt-1");
  EXPECT_EQ(destinationsOf(discharge.messageId), std::vector<std::string>{"clinic-fhir"})
      << "linked: the office's care team is the hospital patient's care team";
  const store::PatientLink linked = record("hospital-a", hospitalRecord("H-900"));
  EXPECT_EQ(linked.state, store::kLinked);
  EXPECT_EQ(linked.person, office.person);
  EXPECT_GE(linked.score, 20);
  auto events = store_->matchEvents(0, hospitalRecord("H-900"), 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "auto-link");
  EXPECT_EQ(events[0].messageId, discharge.messageId);

  // Her twin sister: same family, birth date, address and phone, another given name.
  Person twin;
  twin.given = "月子";
  twin.givenKana = "ツキコ";
  const pipeline::SubmitResult other = send("hospital-a", personJson(kHospital, "H-901", twin), "adt-2");
  EXPECT_TRUE(destinationsOf(other.messageId).empty()) << "a twin is not linked";
  EXPECT_NE(record("hospital-a", hospitalRecord("H-901")).person, office.person);

  // The same message again changes nothing in the registry.
  send("hospital-a", personJson(kHospital, "H-900", same), "adt-3");
  EXPECT_EQ(store_->matchEvents(0, hospitalRecord("H-900"), 10).value().size(), 1u);
  // A new phone number is what the record carries now (written once, no decision); the same again
  // writes nothing.
  same.phone = "03-3900-9999";
  advance(1000);
  const int64_t refreshedAt = now();
  send("hospital-a", personJson(kHospital, "H-900", same), "adt-4");
  EXPECT_EQ(record("hospital-a", hospitalRecord("H-900")).updatedMs, refreshedAt);
  EXPECT_NE(record("hospital-a", hospitalRecord("H-900")).patient.find("03-3900-9999"), std::string::npos);
  advance(1000);
  send("hospital-a", personJson(kHospital, "H-900", same), "adt-5");
  EXPECT_EQ(record("hospital-a", hospitalRecord("H-900")).updatedMs, refreshedAt);
  EXPECT_EQ(store_->matchEvents(0, hospitalRecord("H-900"), 10).value().size(), 1u);
  EXPECT_EQ(record("hospital-a", hospitalRecord("H-900")).person, office.person);
}

TEST_F(PatientRegistryPipelineTest, AMaskedNameWaitsUntilAPersonLinksItOrTheSenderNamesThePatient) {
  Person masked;
  masked.family = "連●";
  masked.given = "花●";
  masked.familyKana = "レ●";
  masked.givenKana = "ハ●";
  const pipeline::SubmitResult fax = send("hospital-a", personJson(kHospital, "H-910", masked), "fax-1");
  EXPECT_TRUE(destinationsOf(fax.messageId).empty());
  store::PatientLink pending = record("hospital-a", hospitalRecord("H-910"));
  EXPECT_EQ(pending.state, store::kPending);
  EXPECT_NE(pending.candidates.find(pipeline::personIdFor("office-x", std::string(kOffice) + "|77")),
            std::string::npos)
      << "the candidates a person will choose from: " << pending.candidates;

  // The sender sends the name: matched again, linked, routed.
  const pipeline::SubmitResult named = send("hospital-a", personJson(kHospital, "H-910", Person{}), "fax-2");
  EXPECT_EQ(destinationsOf(named.messageId), std::vector<std::string>{"clinic-fhir"});
  EXPECT_EQ(record("hospital-a", hospitalRecord("H-910")).state, store::kLinked);

  // Another masked record: a person links it; routing follows once the registry has caught up.
  send("hospital-a", personJson(kHospital, "H-911", masked), "fax-3");
  store::PatientLink decided = record("hospital-a", hospitalRecord("H-911"));
  decided.person = pipeline::personIdFor("office-x", std::string(kOffice) + "|77");
  decided.state = store::kLinked;
  decided.decidedBy = "佐藤";
  ASSERT_TRUE(store_->decidePatientLink(decided, {0, 1, "hospital-a", hospitalRecord("H-911"), "link",
                                                  decided.person, "operator: 佐藤", 0, 0})
                  .ok());
  ASSERT_TRUE(patients_->refresh().ok());
  const pipeline::SubmitResult after = send("hospital-a", personJson(kHospital, "H-911", masked), "fax-4");
  EXPECT_EQ(destinationsOf(after.messageId), std::vector<std::string>{"clinic-fhir"});
  EXPECT_EQ(record("hospital-a", hospitalRecord("H-911")).decidedBy, "佐藤") << "the person's decision stands";
}

TEST_F(PatientRegistryPipelineTest, AnUnclearMatchWaitsForAPersonWithItsReasons) {
  Person unclear;
  unclear.familyKana = "";
  unclear.phone = "";
  const pipeline::SubmitResult m = send("clinic-z", personJson("urn:clinic-z", "5", unclear), "z-1");
  EXPECT_TRUE(destinationsOf(m.messageId).empty());
  const store::PatientLink review = record("clinic-z", "urn:clinic-z|5");
  EXPECT_EQ(review.state, store::kReview);
  EXPECT_NE(review.candidates.find("birth date equal"), std::string::npos) << review.candidates;
  EXPECT_EQ(store_->matchEvents(0, "urn:clinic-z|5", 10).value().at(0).action, "review");
}

TEST_F(PatientRegistryPipelineTest, ARestartedRegistryKnowsEveryRecordAndPerson) {
  send("hospital-a", personJson(kHospital, "H-900", Person{}), "adt-1");
  pipeline::PatientRegistry fresh(store_, matching::MatchThresholds{}, 60000);
  ASSERT_TRUE(fresh.refresh().ok());
  EXPECT_EQ(fresh.size(), 2u);
  const std::vector<std::string> known =
      fresh.personIdentifiers("hospital-a", {hospitalRecord("H-900")});
  EXPECT_NE(std::find(known.begin(), known.end(), std::string(kOffice) + "|77"), known.end());
}

}  // namespace
}  // namespace renkei::test

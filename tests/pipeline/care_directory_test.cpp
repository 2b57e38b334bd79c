// The care directory: care teams joined with PractitionerRole / Organization / Endpoint into
// recipients with channels, what makes a member unreachable, and care-team routes.
#include <algorithm>

#include <gtest/gtest.h>

#include "renkei/care/care_directory.h"
#include "renkei/care/care_roles.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/routing/router.h"
#include "support/test_env.h"

namespace renkei::care {
namespace {

const char* kPatientId = "urn:oid:1.2.392.100495.20.3.51.11312345670|00012345";

store::StoredResource resource(const std::string& org, const std::string& type,
                               const std::string& id, const std::string& body,
                               int64_t updatedMs = 1000) {
  store::StoredResource r;
  r.type = type;
  r.id = id;
  r.organization = org;
  r.version = 1;
  r.updatedMs = updatedMs;
  r.content = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"" +
              (body.empty() ? "" : "," + body) + "}";
  return r;
}

std::string endpoint(const std::string& channel, const std::string& status = "active") {
  return R"("status":")" + status + R"(","address":"tel:03-1234-5678","identifier":[{"system":")" +
         std::string(kChannelSystem) + R"(","value":")" + channel + R"("}])";
}

std::string participant(const std::string& roleCoding, const std::string& member,
                        const std::string& period = "") {
  return R"({"role":[)" + roleCoding + R"(],"member":)" + member +
         (period.empty() ? "" : R"(,"period":)" + period) + "}";
}

std::string code(const std::string& c) {
  return R"({"coding":[{"system":")" + std::string(kCareRoleSystem) + R"(","code":")" + c + R"("}]})";
}

class CareDirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Clinic B (ward B) with a doctor reached by FHIR, a care office reached through the ward's
    // shared folder, and a nurse station whose Endpoint names a sink nobody configured.
    r_.endpoints = {resource("clinic-b", "Endpoint", "ep-fhir", endpoint("clinic-b-fhir")),
                    resource("clinic-b", "Endpoint", "ep-off", endpoint("clinic-b-fhir", "off")),
                    resource("office-c", "Endpoint", "ep-ward", endpoint("ward-b-folder")),
                    resource("nurse-d", "Endpoint", "ep-x", endpoint("no-such-sink"))};
    r_.practitioners = {resource("clinic-b", "Practitioner", "dr-sato",
                                 R"("name":[{"family":"佐藤","given":["一郎"]}])")};
    r_.organizations = {
        resource("clinic-b", "Organization", "clinic", R"("name":"佐藤内科クリニック")"),
        resource("office-c", "Organization", "office",
                 R"("name":"居宅介護支援センターC","endpoint":[{"reference":"Endpoint/ep-ward"}],)"
                 R"("identifier":[{"system":"urn:care-office","value":"1370000001"}])"),
        resource("nurse-d", "Organization", "station",
                 R"("name":"訪問看護ステーションD","endpoint":[{"reference":"Endpoint/ep-x"}])")};
    r_.practitionerRoles = {resource(
        "clinic-b", "PractitionerRole", "sato-at-clinic",
        R"("practitioner":{"reference":"Practitioner/dr-sato"},"organization":{"reference":"Organization/clinic"},)"
        R"("endpoint":[{"reference":"Endpoint/ep-off"},{"reference":"Endpoint/ep-fhir"}])")};
    r_.patientIdentifiers = [](const std::string& org, const std::string& id) {
      std::vector<std::string> out;
      if (org == "hospital-a" && id == "p1") out.push_back(kPatientId);
      return out;
    };
  }

  std::shared_ptr<const CareDirectory> build() {
    return CareDirectory::build(r_, {"clinic-b-fhir", "ward-b-folder", "desk"});
  }

  DirectoryResources r_;
};

TEST_F(CareDirectoryTest, MembersAreReachedThroughTheirOwnOrTheirOrganizationsEndpoint) {
  // Clinic B says its doctor is the family doctor (a reference in its own id space); hospital A
  // names the care office by identifier, which the directory finds in the office's id space.
  r_.careTeams = {
      resource("clinic-b", "CareTeam", "t1",
               R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
               R"("participant":[)" +
                   participant(code("family-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})") + "]"),
      resource("hospital-a", "CareTeam", "t2",
               R"("subject":{"reference":"Patient/p1"},"participant":[)" +
                   participant(R"({"text":"ｹｱﾏﾈｼﾞｬｰ"})",
                               R"({"identifier":{"system":"urn:care-office","value":"1370000001"}})") +
                   "]")};
  auto d = build();
  EXPECT_EQ(d->careTeamCount(), 2u);
  EXPECT_EQ(d->unresolvedSubjects(), 0u);
  auto all = d->recipients({kPatientId}, {});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].role, "family-doctor");
  EXPECT_EQ(all[0].member, "PractitionerRole/sato-at-clinic");
  EXPECT_EQ(all[0].channel, "clinic-b-fhir") << "the Endpoint that is off is passed over";
  EXPECT_EQ(all[0].display, "佐藤 一郎 (佐藤内科クリニック)");
  EXPECT_EQ(all[0].assertedBy, "clinic-b:CareTeam/t1");
  EXPECT_EQ(all[1].role, "care-manager") << "half-width katakana label";
  EXPECT_EQ(all[1].member, "Organization/office");
  EXPECT_EQ(all[1].organization, "office-c") << "found by identifier across organizations";
  EXPECT_EQ(all[1].channel, "ward-b-folder");
  EXPECT_TRUE(d->recipients({"urn:other|1"}, {}).empty()) << "another patient";
}

TEST_F(CareDirectoryTest, WhatMakesAMemberUnreachableIsSaid) {
  r_.careTeams = {resource(
      "hospital-a", "CareTeam", "t1",
      R"("subject":{"reference":"Patient/p1"},"participant":[)" +
          participant(code("visiting-nurse"), R"({"reference":"Organization/station"})") + "," +
          participant(code("pharmacy"), R"({"reference":"Organization/nowhere","display":"駅前薬局"})") +
          "]"),
                  resource("nurse-d", "CareTeam", "t2",
                           R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
                           R"("participant":[)" +
                               participant(code("visiting-nurse"), R"({"reference":"Organization/station"})") + "]")};
  auto all = build()->recipients({kPatientId}, {"visiting-nurse", "pharmacy"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].organization, "nurse-d")
      << "hospital-a's Organization/station is nurse-d's entry: directory ids are one for everyone";
  EXPECT_EQ(all[0].problem, "channel 'no-such-sink' is not a configured sink");
  EXPECT_EQ(all[1].role, "pharmacy");
  EXPECT_EQ(all[1].display, "駅前薬局");
  EXPECT_EQ(all[1].problem, "the member is not in the directory");
  EXPECT_TRUE(all[1].channel.empty());
}

TEST_F(CareDirectoryTest, EndedMembershipsInactiveTeamsAndUnresolvedSubjectsAreLeftOut) {
  r_.careTeams = {
      resource("clinic-b", "CareTeam", "ended",
               R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
               R"("participant":[)" +
                   participant(code("home-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})",
                               R"({"start":"2020-01-01","end":"2021-03-31"})") + "]"),
      resource("clinic-b", "CareTeam", "inactive",
               R"("status":"inactive","subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
               R"("participant":[)" +
                   participant(code("family-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})") + "]"),
      resource("clinic-b", "CareTeam", "unknown-patient",
               R"("subject":{"reference":"Patient/not-stored"},"participant":[)" +
                   participant(code("family-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})") + "]")};
  auto d = build();
  EXPECT_TRUE(d->recipients({kPatientId}, {}).empty());
  EXPECT_EQ(d->unresolvedSubjects(), 1u);
  const CareRecipient former = d->recipientFromJson(
      R"({"role":"home-doctor","member":"PractitionerRole/sato-at-clinic","organization":"clinic-b"})");
  EXPECT_EQ(former.actorKeys.front(), "clinic-b\nPractitionerRole/sato-at-clinic")
      << "a former member is still known for the consent of what is queued for it";
}

TEST_F(CareDirectoryTest, TheSameMemberSaidTwiceIsOneRecipientWithTheNewestAssertion) {
  const std::string body =
      R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
      R"("participant":[)" +
      participant(code("family-doctor"), R"({"reference":"Practitioner/dr-sato"})") + "]";
  r_.careTeams = {resource("clinic-b", "CareTeam", "old", body, 1000),
                  resource("clinic-b", "CareTeam", "new", body, 5000)};
  auto all = build()->recipients({kPatientId, "urn:other|x"}, {"family-doctor"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].assertedBy, "clinic-b:CareTeam/new");
  EXPECT_EQ(all[0].channel, "clinic-b-fhir") << "a Practitioner is reached through its role";
}

TEST(CareRoles, CodesAndJapaneseLabels) {
  EXPECT_EQ(careRoleFromText("かかりつけ医")->code, "family-doctor");
  EXPECT_EQ(careRoleFromText("介護支援専門員")->code, "care-manager");
  EXPECT_EQ(careRoleFromText("ケアマネージャー")->code, "care-manager");
  EXPECT_EQ(careRoleFromText("訪問看護ステーション")->code, "visiting-nurse");
  EXPECT_EQ(careRoleFromText("care-manager")->code, "care-manager");
  EXPECT_EQ(careRoleFromText("受付"), nullptr);
  EXPECT_EQ(careRoleFromText("介護支援専門員（担当ケアマネジャー）")->code, "care-manager")
      << "a longer label: the known label it contains";
  EXPECT_EQ(careRoleFromText("在宅主治医（訪問診療）")->code, "home-doctor")
      << "the longest label it contains, not 主治医";
  EXPECT_EQ(careRoleFromText("訪問看護ステーション北")->code, "visiting-nurse");
  EXPECT_EQ(careRoleByCode("family-doctor")->display, "かかりつけ医");
}

TEST_F(CareDirectoryTest, OnlyTrustedStatementsCountWhenTheOperatorSaysWhoMayAssert) {
  // The clinic says it is the family doctor and names the care office too; a stranger says it is
  // the patient's visiting nurse. The hospital (a trusted assertor) names the care office.
  r_.organizations.push_back(resource("nurse-x", "Organization", "x", R"("name":"見知らぬ事業所")"));
  r_.careTeams = {
      resource("clinic-b", "CareTeam", "t2",
               R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
               R"("participant":[)" +
                   participant(code("family-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})") + "," +
                   participant(code("care-manager"), R"({"identifier":{"system":"urn:care-office","value":"1370000001"}})") + "]"),
      resource("nurse-x", "CareTeam", "claim",
               R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
               R"("participant":[)" + participant(code("visiting-nurse"), R"({"reference":"Organization/x"})") + "]"),
      resource("hospital-a", "CareTeam", "t1",
               R"("subject":{"reference":"Patient/p1"},"participant":[)" +
                   participant(code("care-manager"), R"({"identifier":{"system":"urn:care-office","value":"1370000001"}})") + "]")};
  auto members = [&](TrustPolicy trust) {
    std::vector<std::string> out;
    auto d = CareDirectory::build(r_, {"clinic-b-fhir", "ward-b-folder"}, {}, trust);
    for (const CareRecipient& m : d->recipients({kPatientId}, {})) out.push_back(m.organization + " " + m.role);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(members({}), (std::vector<std::string>{"clinic-b family-doctor", "nurse-x visiting-nurse",
                                                   "office-c care-manager"}))
      << "open: everyone's statements count";
  TrustPolicy trust;
  trust.open = false;
  trust.assertors = {"hospital-a"};
  trust.selfAssertion = TrustPolicy::SelfAssertion::Allow;
  EXPECT_EQ(members(trust), (std::vector<std::string>{"clinic-b family-doctor", "nurse-x visiting-nurse",
                                                      "office-c care-manager"}))
      << "self-assertions allowed; the clinic naming the office adds nothing the hospital did not say";
  trust.selfAssertion = TrustPolicy::SelfAssertion::Confirmed;
  EXPECT_EQ(members(trust), (std::vector<std::string>{"office-c care-manager"}))
      << "neither the clinic nor the stranger is confirmed by the hospital";
  r_.careTeams.push_back(resource(
      "hospital-a", "CareTeam", "t3",
      R"("subject":{"reference":"Patient/p1"},"participant":[)" +
          participant(code("family-doctor"), R"({"display":"佐藤内科クリニック","identifier":{"system":"urn:clinic","value":"b"}})") + "]"));
  r_.organizations[0] = resource("clinic-b", "Organization", "clinic",
                                 R"("name":"佐藤内科クリニック","identifier":[{"system":"urn:clinic","value":"b"}])");
  EXPECT_EQ(members(trust), (std::vector<std::string>{"clinic-b family-doctor", "clinic-b family-doctor",
                                                      "office-c care-manager"}))
      << "the hospital names the clinic: the clinic's own statement (its doctor) counts now";
  trust.selfAssertion = TrustPolicy::SelfAssertion::Ignore;
  auto d = CareDirectory::build(r_, {"clinic-b-fhir", "ward-b-folder"}, {}, trust);
  EXPECT_EQ(d->recipients({kPatientId}, {}).size(), 2u) << "only the hospital's statements";
  EXPECT_EQ(d->untrustedStatements(),
            (std::vector<std::string>{"clinic-b:CareTeam/t2", "clinic-b:CareTeam/t2", "nurse-x:CareTeam/claim"}));
}

class CareTeamRoutingTest : public CareDirectoryTest {
 protected:
  routing::RoutingDecision decide(std::vector<routing::RouteRule> rules,
                                  const CareDirectory* care) {
    auto read = fhir::readResource(
        test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json"),
        fhir::SourceFormat::Json);
    EXPECT_TRUE(read.ok());
    doc_ = std::move(read.document);
    auto router = routing::Router::compile(std::move(rules), test::coreDefinitions());
    EXPECT_TRUE(router.ok());
    return router.value()->decide("inbox", *doc_->root(), routing::collectFacts(*doc_->root()),
                                  care);
  }
  std::unique_ptr<fhir::Document> doc_;
};

TEST_F(CareTeamRoutingTest, ADischargeReachesEachMemberInItsChannelAndTheUnreachableGoToTheDesk) {
  r_.careTeams = {resource(
      "hospital-a", "CareTeam", "t1",
      R"("subject":{"reference":"Patient/p1"},"participant":[)" +
          participant(code("care-manager"),
                      R"({"identifier":{"system":"urn:care-office","value":"1370000001"}})") +
          "," + participant(code("pharmacy"), R"({"display":"駅前薬局"})") + "]"),
                  resource("clinic-b", "CareTeam", "t2",
                           R"("subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345670","value":"00012345"}},)"
                           R"("participant":[)" +
                               participant(code("family-doctor"), R"({"reference":"PractitionerRole/sato-at-clinic"})") + "]")};
  auto care = build();
  routing::RouteRule rule;
  rule.name = "discharges-to-the-care-team";
  rule.events = {"discharge"};
  rule.careTeamRoles = {"family-doctor", "care-manager", "pharmacy"};
  rule.careTeamFallback = {"desk"};
  routing::RouteRule archive;
  archive.name = "archive";
  archive.destinations = {"archive"};
  auto d = decide({rule, archive}, care.get());
  ASSERT_EQ(d.deliveries.size(), 4u) << d.record;
  EXPECT_EQ(d.deliveries[0].destination, "clinic-b-fhir");
  EXPECT_NE(d.deliveries[0].recipient.find("\"member\":\"PractitionerRole/sato-at-clinic\""),
            std::string::npos);
  EXPECT_EQ(d.deliveries[1].destination, "ward-b-folder");
  EXPECT_EQ(d.deliveries[2].destination, "desk") << "the pharmacy has no channel";
  EXPECT_NE(d.deliveries[2].recipient.find("駅前薬局"), std::string::npos);
  EXPECT_EQ(d.deliveries[3], (routing::RoutedDelivery{"archive", ""}));
  EXPECT_NE(d.record.find("\"unreachable\":\"the member is not in the directory\""),
            std::string::npos)
      << d.record;
  EXPECT_NE(d.record.find("\"assertedBy\":\"clinic-b:CareTeam/t2\""), std::string::npos);

  auto none = decide({rule}, nullptr);
  EXPECT_TRUE(none.deliveries.empty());
  EXPECT_NE(none.record.find("no care directory"), std::string::npos);
}

TEST_F(CareTeamRoutingTest, ATransferToAnotherHospitalKeepsTheCareTeam) {
  // Hospital A knows the patient by its number and the 介護保険 被保険者番号; the care office's
  // statement names hospital A's Patient. Hospital B admits the patient under its own number.
  r_.patientIdentifiers = [](const std::string& org, const std::string& id) {
    std::vector<std::string> out;
    if (org == "hospital-a" && id == "p1") {
      out = {kPatientId, "https://fhir.renkei.jp/NamingSystem/care-insured-number|131045:0000123456"};
    }
    return out;
  };
  r_.careTeams = {resource(
      "hospital-a", "CareTeam", "t1",
      R"("subject":{"reference":"Patient/p1"},"participant":[)" +
          participant(code("care-manager"), R"({"identifier":{"system":"urn:care-office","value":"1370000001"}})") + "]")};
  auto care = build();
  routing::RouteRule rule;
  rule.name = "admissions-to-the-care-team";
  rule.events = {"admission", "transfer"};
  rule.careTeamRoles = {"care-manager"};
  auto read = fhir::readResource(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",)"
      R"("identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11319999990","value":"B-777"},)"
      R"({"system":"https://fhir.renkei.jp/NamingSystem/care-insured-number","value":"131045:0000123456"}]}},)"
      R"({"resource":{"resourceType":"Encounter","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
      R"("period":{"start":"2026-12-06T10:00:00+09:00"}}}]})",
      fhir::SourceFormat::Json);
  ASSERT_TRUE(read.ok());
  auto router = routing::Router::compile({rule}, test::coreDefinitions()).value();
  const auto d = router->decide("hospital-b", *read.document->root(),
                                routing::collectFacts(*read.document->root()), care.get());
  ASSERT_EQ(d.deliveries.size(), 1u) << d.record;
  EXPECT_EQ(d.deliveries[0].destination, "ward-b-folder");
}

}  // namespace
}  // namespace renkei::care

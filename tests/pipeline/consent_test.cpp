// Consent: which Consent decides for a recipient, the ward policy without one, deliveries held
// with their reason at routing, and held or released again when consent changes later.
#include <gtest/gtest.h>

#include "pipeline/care_pipeline_fixture.h"
#include "renkei/care/consent.h"
#include "renkei/care/care_team_lookup.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/write_intent.h"
#include "support/test_env.h"

namespace renkei::care {
namespace {

ParsedConsent consent(const std::string& ref, const std::string& date, bool basePermit,
                      std::vector<ParsedConsent::ActorRule> rules = {}) {
  ParsedConsent c;
  c.reference = ref;
  c.dateTime = date;
  c.basePermit = basePermit;
  c.rules = std::move(rules);
  return c;
}

TEST(ConsentEvaluation, ANamedRecipientDecidesOverTheBaseRuleAndTheNewestConsentWins) {
  const std::vector<std::string> clinic = {"clinic-b\nPractitionerRole/sato", "clinic-b\nOrganization/clinic"};
  const ParsedConsent optOutOfClinic =
      consent("h:Consent/1", "2026-01-01", true, {{false, {"clinic-b\nOrganization/clinic"}, "", ""}});
  EXPECT_EQ(evaluateConsents({&optOutOfClinic}, clinic, "2026-06-01").verdict, ConsentVerdict::Deny)
      << "named by its organization";
  EXPECT_EQ(evaluateConsents({&optOutOfClinic}, {"office-c\nOrganization/office"}, "2026-06-01").verdict,
            ConsentVerdict::Permit);
  const ParsedConsent laterYes = consent("h:Consent/2", "2026-03-01", true);
  EXPECT_EQ(evaluateConsents({&optOutOfClinic, &laterYes}, clinic, "2026-06-01").verdict,
            ConsentVerdict::Permit);
  ParsedConsent onlyOffice =
      consent("h:Consent/3", "2026-04-01", false, {{true, {"office-c\nOrganization/office"}, "", ""}});
  const ConsentDecision d = evaluateConsents({&laterYes, &onlyOffice}, clinic, "2026-06-01");
  EXPECT_EQ(d.verdict, ConsentVerdict::Deny);
  EXPECT_EQ(d.consent, "h:Consent/3");
  onlyOffice.end = "2026-05-01";
  EXPECT_EQ(evaluateConsents({&laterYes, &onlyOffice}, clinic, "2026-06-01").verdict,
            ConsentVerdict::Permit)
      << "an expired consent no longer decides";
  EXPECT_EQ(evaluateConsents({}, clinic, "2026-06-01").verdict, ConsentVerdict::NoConsent);
}

TEST(ConsentPolicy, AWardMayAskForConsentOutsideItWhereTheDefaultDoesNot) {
  ConsentPolicy p;
  EXPECT_FALSE(p.requiresConsent("131041", "131148"));
  p.wards["131041"] = true;
  EXPECT_TRUE(p.requiresConsent("131041", "131148"));
  EXPECT_TRUE(p.requiresConsent("131041", "")) << "an unknown ward is outside";
  EXPECT_FALSE(p.requiresConsent("131041", "131041"));
  EXPECT_FALSE(p.requiresConsent("131148", "131041"));
  p.requireOutsideWard = true;
  EXPECT_TRUE(p.requiresConsent("131148", "131041"));
}

// The daemon's pipeline with a care-team route over a real store; a ward that asks for consent
// outside it.
class ConsentPipelineTest : public test::CarePipelineFixture {
 protected:
  void SetUp() override {
    ConsentPolicy policy;
    policy.requireOutsideWard = true;
    buildCare({"family-doctor"}, {}, {"clinic-fhir"}, policy);
    put("clinic-b", R"({"resourceType":"Endpoint","id":"ep","status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"https://clinic.example/fhir","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"clinic-fhir"}]})");
    put("clinic-b", R"({"resourceType":"Organization","id":"clinic","name":"中野の診療所","address":[{"city":"中野区"}],"endpoint":[{"reference":"Endpoint/ep"}]})");
    put("clinic-b", R"({"resourceType":"CareTeam","id":"t","subject":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":"p1"}},"participant":[{"role":[{"text":"かかりつけ医"}],"member":{"reference":"Organization/clinic"}}]})");
  }

  std::string consentJson(const std::string& id, const std::string& type, const std::string& date) {
    return R"({"resourceType":"Consent","id":")" + id + R"(","status":"active","dateTime":")" + date +
           R"(","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},)"
           R"("category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],)"
           R"("patient":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":"p1"}},)"
           R"("policyRule":{"text":"連携同意"},"provision":{"type":")" + type + R"("}})";
  }
};

TEST_F(ConsentPipelineTest, HeldWithoutConsentOutsideTheWardReleasedWhenGrantedHeldAgainWhenWithdrawn) {
  const pipeline::SubmitResult first = submitOne(patientJson("p1", "新宿区"));
  EXPECT_EQ(first.state, store::kRouted);
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.destination, "clinic-fhir");
  EXPECT_EQ(row.state, store::kHeld);
  EXPECT_NE(row.lastError.find("no Consent permits sending outside the patient's municipality "
                               "(131041 → 131148)"),
            std::string::npos)
      << row.lastError;
  EXPECT_TRUE(store_->claimDeliveries("w", 10, now() + 1000, 30000)->empty()) << "HELD is not sent";

  put("hospital-a", consentJson("c1", "permit", "2026-01-10"));
  ASSERT_TRUE(pipeline_->reviewConsents().ok());
  row = onlyRow();
  EXPECT_EQ(row.state, store::kQueued);
  EXPECT_EQ(row.lastError, "");

  put("hospital-a", consentJson("c2", "deny", "2026-02-01"));
  ASSERT_TRUE(pipeline_->reviewConsents().ok());
  row = onlyRow();
  EXPECT_EQ(row.state, store::kHeld) << "withdrawal stops what is still queued";
  EXPECT_NE(row.lastError.find("hospital-a:Consent/c2"), std::string::npos) << row.lastError;

  const pipeline::SubmitResult second = submitOne(patientJson("p1", "中野区"), "in2.json");
  auto rows = store_->outbox({}).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].state, store::kHeld) << "the deny holds even inside the ward";
}

TEST_F(ConsentPipelineTest, InsideTheWardNoConsentIsNeeded) {
  submitOne(patientJson("p1", "中野区"));
  EXPECT_EQ(onlyRow().state, store::kQueued);
}

TEST_F(ConsentPipelineTest, ADigestIsNotHeldAgainByTheConsentLoop) {
  // Consent is checked per item when a digest is made; the digest itself names no one patient.
  const int64_t id = store_->intake({{"inbox", "hospital-a", "m", "", "m"}}, clock_->load()).value()[0].messageId;
  ASSERT_EQ(store_->claimReceived("t", 10, clock_->load(), 1000)->size(), 1u);
  store::RoutingOutcome o{id, store::kRouted, "", "{}", R"({"resourceType":"Basic","code":{"text":"x"}})", {}};
  store::PlannedDelivery d{"clinic-fhir", "p", R"({"member":"Organization/clinic","organization":"clinic-b"})"};
  store::NotificationPlan n;
  n.factKey = "fact";
  n.token = "t";
  n.dueMs = clock_->load() + 1000;
  n.recipientOrganization = "clinic-b";
  d.notification = n;
  o.deliveries = {d};
  ASSERT_TRUE(store_->recordRouting({o}, "t", clock_->load()).ok());
  ASSERT_EQ(store_->digestNow(clock_->load()).value(), 1);
  ASSERT_TRUE(pipeline_->sendNotifications().ok());
  const store::OutboxRow digest = onlyRow();
  EXPECT_EQ(digest.state, store::kQueued);
  ASSERT_TRUE(pipeline_->reviewConsents().ok());
  EXPECT_EQ(onlyRow().state, store::kQueued) << "not held for want of a patient it does not name";
}

}  // namespace
}  // namespace renkei::care

// API audit records as FHIR AuditEvents: interaction, action and outcome from the request, the
// client and its organization as agents, the resource or message as entity — and the Bundle is
// valid R4.
#include <gtest/gtest.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/audit_events.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {

TEST(AuditEvents, RecordsBecomeValidAuditEvents) {
  const std::vector<store::AuditRecord> records = {
      {1'763'700'000'123, "hospital", "shinjuku-general", "1311234567", "POST", "/fhir/Patient", 201, 42},
      {1'763'700'001'000, "hospital", "shinjuku-general", "1311234567", "PUT", "/fhir/Patient/p1", 412, 43},
      {1'763'700'002'000, "hospital", "", "", "GET", "/fhir/Patient/p1", 401, 0},
      {1'763'700'003'000, "hospital", "reader", "org-b", "GET", "/fhir/Patient/p1/_history/2", 200, 0},
      {1'763'700'004'000, "hospital", "reader", "org-b", "GET", "/fhir/Patient", 503, 0},
      {1'763'700'005'000, "hospital", "shinjuku-general", "1311234567", "POST", "/fhir", 200, 44}};
  const std::string bundle = pipeline::auditEventBundle(records, "Renkei test");

  auto read = fhir::readJson(bundle);
  ASSERT_TRUE(read.ok()) << read.status.message();
  auto result = fhirpath::makeValidator(coreDefinitions())->validate(*read.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "audit") << bundle;

  const std::string create = pipeline::auditEventJson(records[0], "Renkei test");
  EXPECT_NE(create.find(R"("code":"create")"), std::string::npos) << create;
  EXPECT_NE(create.find(R"("action":"C")"), std::string::npos);
  EXPECT_NE(create.find(R"("recorded":"2025-11-21T04:40:00.123Z")"), std::string::npos) << create;
  EXPECT_NE(create.find(R"("outcome":"0")"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:api-client","value":"shinjuku-general"})"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:organization","value":"1311234567"})"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:message","value":"42"})"), std::string::npos);

  const std::string refused = pipeline::auditEventJson(records[1], "Renkei test");
  EXPECT_NE(refused.find(R"("code":"update")"), std::string::npos);
  EXPECT_NE(refused.find(R"("outcome":"4")"), std::string::npos);
  EXPECT_NE(refused.find(R"("reference":"Patient/p1")"), std::string::npos);
  EXPECT_NE(pipeline::auditEventJson(records[2], "x").find("unauthenticated request"), std::string::npos);
  EXPECT_NE(pipeline::auditEventJson(records[3], "x").find(R"("code":"vread")"), std::string::npos);
  const std::string failed = pipeline::auditEventJson(records[4], "x");
  EXPECT_NE(failed.find(R"("code":"search-type")"), std::string::npos);
  EXPECT_NE(failed.find(R"("outcome":"8")"), std::string::npos) << "a 5xx is our failure";
  EXPECT_NE(pipeline::auditEventJson(records[5], "x").find(R"("code":"transaction")"), std::string::npos);
}

TEST(AuditEvents, APatientsTrailIsValidAuditEventsInTimeOrder) {
  store::PatientTrail trail;
  store::StoredMessage m;
  m.id = 7;
  m.source = "hospital-a-inbox";
  m.sender = "hospital-a";
  m.state = store::kRouted;
  m.receivedMs = 1'764'990'000'000;
  m.routing = R"({"rules":[{"route":"events-to-the-care-team","matched":true},{"route":"x","matched":false}]})";
  trail.messages.push_back(m);
  const std::string doctor = R"({"role":"family-doctor","member":"PractitionerRole/sato","organization":"clinic-b","display":"佐藤 一郎"})";
  store::OutboxRow sent;
  sent.id = 11;
  sent.messageId = 7;
  sent.destination = "clinic-b-fhir";
  sent.state = store::kSent;
  sent.createdMs = m.receivedMs + 10;
  sent.nextAttemptMs = m.receivedMs + 500;
  sent.recipient = doctor;
  store::OutboxRow held = sent;
  held.id = 12;
  held.destination = "pharmacy-fax";
  held.state = store::kHeld;
  held.lastError = "no Consent permits sending outside the patient's municipality";
  held.nextAttemptMs = m.receivedMs + 10;
  trail.deliveries = {sent, held};
  store::NotificationRow n;
  n.id = 3;
  n.messageId = 7;
  n.destination = "clinic-b-fhir";
  n.recipient = doctor;
  n.token = "abc";
  n.urgent = true;
  n.state = store::kAcked;
  n.createdMs = m.receivedMs + 10;
  n.ackedMs = m.receivedMs + 60'000;
  n.ackedBy = "clinic-b";
  trail.notifications.push_back(n);
  trail.views.push_back({m.receivedMs + 30'000, "api", "reader", "clinic-b", "GET", "/fhir/Encounter", 200, 7});
  const std::string record = "urn:oid:1.2.392.100495.20.3.51.11312345670|00012345";
  trail.matches.push_back({1, m.receivedMs + 1, "hospital-a", record, "auto-link", "person-1", "renkei", 27, 7});
  trail.matches.push_back({2, m.receivedMs + 90'000, "hospital-a", record, "separate", "person-2",
                           "operator: 佐藤", 0, 0});

  const auto entries = pipeline::patientTrailEntries(trail, record);
  ASSERT_EQ(entries.size(), 9u);
  std::vector<std::string> steps;
  for (const auto& e : entries) steps.push_back(e.subtypeCode);
  EXPECT_EQ(steps, (std::vector<std::string>{"receive", "route", "match", "hold", "notify", "deliver",
                                             "view", "acknowledge", "match"}));
  const std::string bundle = pipeline::auditBundle(entries, "Renkei test");
  auto read = fhir::readJson(bundle);
  ASSERT_TRUE(read.ok()) << read.status.message();
  auto result = fhirpath::makeValidator(coreDefinitions())->validate(*read.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "trail") << bundle;
  EXPECT_NE(bundle.find(R"("outcomeDesc":"routes: events-to-the-care-team")"), std::string::npos);
  EXPECT_NE(bundle.find(R"("role":{"system":"http://terminology.hl7.org/CodeSystem/object-role","code":"1","display":"Patient"})"),
            std::string::npos);

  const std::string text = pipeline::auditEntriesText(entries);
  EXPECT_NE(text.find("保留\tpharmacy-fax / family-doctor: 佐藤 一郎 (clinic-b)\theld: no Consent"),
            std::string::npos) << text;
  EXPECT_NE(text.find("閲覧\treader / clinic-b\tHTTP 200 GET /fhir/Encounter"), std::string::npos) << text;
  EXPECT_NE(text.find("受領確認\tclinic-b\tacknowledged by clinic-b"), std::string::npos) << text;
  EXPECT_NE(text.find("照合\tRenkei patient matching / hospital-a\tauto-link: hospital-a " + record +
                      " → person-1 (score 27)"),
            std::string::npos) << text;
  EXPECT_NE(text.find("照合\toperator: 佐藤 / hospital-a\tseparate:"), std::string::npos) << text;
}

}  // namespace
}  // namespace renkei::test

// Notifications to the care team: which events are urgent, which facts are the same, the tokens
// an acknowledgement names, and what the recipient gets (valid R4 in Japanese with the sender and
// whom to call); a care-team route with `notify` marks its deliveries.
#include <gtest/gtest.h>

#include "renkei/care/notifications.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/routing/router.h"
#include "support/test_env.h"

namespace renkei::care {
namespace {

std::unique_ptr<fhir::Document> read(const std::string& json) {
  auto r = fhir::readResource(json, fhir::SourceFormat::Json);
  EXPECT_TRUE(r.ok()) << r.status.message();
  return std::move(r.document);
}

routing::MessageFacts factsOf(const std::string& json) {
  return routing::collectFacts(*read(json)->root());
}

std::string encounter(const std::string& status, const std::string& period,
                      const std::string& disposition = "") {
  return R"({"resourceType":"Bundle","type":"collection","entry":[)"
         R"({"resource":{"resourceType":"Patient","identifier":[{"system":"urn:a","value":"1"}],)"
         R"("name":[{"text":"連携 花子"}],"birthDate":"1942-03-09"}},)"
         R"({"resource":{"resourceType":"Encounter","status":")" + status +
         R"(","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
         R"("period":)" + period +
         (disposition.empty() ? "" : R"(,"hospitalization":{"dischargeDisposition":{"coding":[{"code":")" + disposition + R"("}]}})") +
         "}}]}";
}

void expectValid(const std::string& json) {
  auto doc = fhir::readJson(json);
  ASSERT_TRUE(doc.ok()) << doc.status.message();
  auto result = fhirpath::makeValidator(test::coreDefinitions())->validate(*doc.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "notification") << json;
}

TEST(Notifications, DeathTransferImminentDischargeAndUrgentPriorityAreUrgent) {
  const NotifyPolicy policy;
  const std::string today = "2026-12-06";
  auto urgent = [&](const std::string& json) { return classify(factsOf(json), policy, today).urgent; };
  EXPECT_TRUE(urgent(encounter("finished", R"({"end":"2026-12-07T10:00:00+09:00"})")))
      << "discharge tomorrow";
  EXPECT_TRUE(urgent(encounter("finished", R"({"end":"2026-12-01"})"))) << "already discharged";
  EXPECT_FALSE(urgent(encounter("finished", R"({"end":"2026-12-20"})"))) << "planned in two weeks";
  EXPECT_FALSE(urgent(encounter("in-progress", R"({"start":"2026-12-06"})"))) << "an admission";
  EXPECT_TRUE(urgent(encounter("finished", R"({"end":"2026-12-20"})", "hosp"))) << "a transfer";
  EXPECT_TRUE(urgent(encounter("finished", R"({"end":"2026-12-20"})", "exp"))) << "a death";
  EXPECT_TRUE(urgent(R"({"resourceType":"Patient","deceasedDateTime":"2026-12-06"})"));
  EXPECT_TRUE(urgent(R"({"resourceType":"ServiceRequest","status":"active","intent":"order",)"
                     R"("priority":"stat","subject":{"reference":"Patient/1"}})"))
      << "緊急往診";
  NotifyPolicy relaxed;
  relaxed.urgentEvents = {};
  relaxed.urgentDischargeDays = -1;
  relaxed.urgentPriority = false;
  EXPECT_FALSE(classify(factsOf(encounter("finished", R"({"end":"2026-12-06"})", "exp")), relaxed,
                        today)
                   .urgent);
  const routing::MessageFacts transfer =
      factsOf(encounter("finished", R"({"end":"2026-12-20"})", "other-hcf"));
  EXPECT_EQ(routing::eventNames(transfer),
            (std::vector<std::string_view>{"discharge", "transfer"}));
}

TEST(Notifications, TheSameEventFromTwoSourcesIsOneFactPerRecipient) {
  CareRecipient doctor;
  doctor.organization = "clinic-b";
  doctor.member = "PractitionerRole/sato";
  doctor.assertedBy = "clinic-b:CareTeam/t1";
  CareRecipient manager = doctor;
  manager.member = "Organization/office";
  const auto v2 = factsOf(encounter("finished", R"({"end":"2026-12-06T10:00:00+09:00"})"));
  const auto fhir = factsOf(encounter("finished", R"({"start":"2026-11-30","end":"2026-12-06"})", "home"));
  const std::string today = "2026-12-06";
  EXPECT_EQ(factKey(v2, doctor, "clinic-fhir", today), factKey(fhir, doctor, "clinic-fhir", today));
  EXPECT_NE(factKey(v2, doctor, "clinic-fhir", today), factKey(v2, manager, "clinic-fhir", today));
  EXPECT_NE(factKey(v2, doctor, "clinic-fhir", today), factKey(v2, doctor, "desk", today));
  const auto admission = factsOf(encounter("in-progress", R"({"start":"2026-12-06"})"));
  EXPECT_NE(factKey(v2, doctor, "clinic-fhir", today), factKey(admission, doctor, "clinic-fhir", today));
  const auto later = factsOf(encounter("finished", R"({"end":"2026-12-09"})"));
  EXPECT_NE(factKey(v2, doctor, "clinic-fhir", today), factKey(later, doctor, "clinic-fhir", today));
  EXPECT_NE(newNotificationToken(), newNotificationToken());
  EXPECT_EQ(newNotificationToken().size(), 32u);
}

TEST(Notifications, ACompletedTaskNamingATokenAcknowledgesIt) {
  auto tokens = [](const std::string& json) { return acknowledgedTokens(*read(json)->root()); };
  const std::string task = R"({"resourceType":"Task","status":"%s","intent":"order",)"
                           R"("identifier":[{"system":"%s","value":"abc123"}]})";
  auto make = [&](const std::string& status, const std::string& system) {
    std::string t = task;
    t.replace(t.find("%s"), 2, status);
    t.replace(t.find("%s"), 2, system);
    return t;
  };
  EXPECT_EQ(tokens(make("completed", kNotificationSystem)), std::vector<std::string>{"abc123"});
  EXPECT_EQ(tokens(R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" +
                   make("accepted", kNotificationSystem) + R"(,"request":{"method":"POST","url":"Task"}}]})"),
            std::vector<std::string>{"abc123"});
  EXPECT_TRUE(tokens(make("requested", kNotificationSystem)).empty());
  EXPECT_TRUE(tokens(make("completed", "urn:other")).empty());
}

TEST(Notifications, WhatTheRecipientGetsIsValidR4WithTheSenderAndWhomToCall) {
  const std::string canonical =
      test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
  auto doc = read(canonical);
  const routing::MessageFacts facts = routing::collectFacts(*doc->root());
  CareRecipient doctor;
  doctor.display = "佐藤 一郎 (佐藤内科クリニック)";
  doctor.role = "family-doctor";
  const std::string summary =
      notificationSummary(*doc->root(), facts, doctor, {true, "discharge on 2026-11-20"});
  const std::string line = summaryText(summary);
  EXPECT_NE(line.find("【至急】退院 連携 花子 様 (1942-03-09生) 2026-11-20"), std::string::npos) << line;
  EXPECT_NE(line.find("送信元: 新宿総合病院"), std::string::npos) << line;
  EXPECT_NE(line.find("連絡先: 新宿総合病院 03-3333-0000"), std::string::npos) << line;

  const std::string token = newNotificationToken();
  const std::string urgent = urgentNotificationBundle(canonical, summary, token, 1'765'000'000'000, 1'764'990'000'000);
  expectValid(urgent);
  EXPECT_NE(urgent.find(R"("resourceType":"Task")"), std::string::npos);
  EXPECT_NE(urgent.find(R"("value":")" + token + "\""), std::string::npos);
  EXPECT_NE(urgent.find(R"("restriction":{"period":{"end":"2025-12-06T05:46:40.000Z"}})"),
            std::string::npos);
  EXPECT_NE(urgent.find(R"("resourceType":"Encounter")"), std::string::npos)
      << "the message's resources travel with it";

  const std::string digest = digestBundle({summary, summary}, {token, newNotificationToken()}, 1'764'990'000'000);
  expectValid(digest);
  EXPECT_NE(digest.find("本日の連携通知 2 件"), std::string::npos);
  expectValid(escalationBundle(summary, token, 1'764'990'000'000, 1'765'000'000'000));
  EXPECT_NE(escalationBundle(summary, token, 0, 0).find("佐藤 一郎 (佐藤内科クリニック)"),
            std::string::npos);
}

}  // namespace
}  // namespace renkei::care

// The Store contract for care routing, on every backend: deliveries per care-team recipient, holds
// that consent places and releases, notifications told once and escalated or gathered into
// digests, a patient's trail, and the patient registry's records and a person's decisions.
#include <gtest/gtest.h>

#include "store/store_conformance.h"

namespace renkei::store {
namespace {

class CareAndPatientStore : public StoreConformance {};

TEST_P(CareAndPatientStore, DeliveriesToOneChannelForTwoRecipientsAreTwoRowsWithTheirOwnKeys) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  o.deliveries = {{"ward-folder", "p", R"({"member":"Organization/a"})"},
                  {"ward-folder", "p", R"({"member":"Organization/b"})"},
                  {"archive", "p"}};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  auto rows = store_->claimDeliveries("w", 10, 3000, 30000).value();
  ASSERT_EQ(rows.size(), 2u) << "one line per (destination, patient): the second recipient waits";
  std::map<std::string, OutboxRow> byDestination;
  for (const OutboxRow& r : rows) byDestination[r.destination] = r;
  EXPECT_EQ(byDestination["ward-folder"].recipient, R"({"member":"Organization/a"})");
  EXPECT_EQ(byDestination["ward-folder"].canonical, "m");
  EXPECT_EQ(byDestination["archive"].recipient, "");
  ASSERT_TRUE(store_->recordDeliveries({{byDestination["ward-folder"].id, kSent, 0, "", ""}}, "w").ok());
  auto next = store_->claimDeliveries("w", 10, 3000, 30000).value();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].recipient, R"({"member":"Organization/b"})");
  EXPECT_NE(next[0].idempotencyKey, byDestination["ward-folder"].idempotencyKey);
  EXPECT_EQ(store_->outboxRow(next[0].id).value()->recipient, next[0].recipient);
}

TEST_P(CareAndPatientStore, HeldDeliveriesWaitUntilReleasedAndQueuedOnesCanBeHeld) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  o.deliveries = {{"clinic", "p", R"({"member":"Organization/a"})", "no consent"},
                  {"office", "p", R"({"member":"Organization/b"})"},
                  {"archive", "p"}};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  auto pending = store_->undeliveredToRecipients(3000, 0, 10).value();
  ASSERT_EQ(pending.size(), 2u) << "only deliveries with a recipient";
  EXPECT_EQ(pending[0].state, kHeld);
  EXPECT_EQ(pending[0].lastError, "no consent");
  EXPECT_EQ(pending[0].canonical, "m");
  EXPECT_EQ(pending[1].state, kQueued);
  auto claimed = store_->claimDeliveries("w", 10, 3000, 30000).value();
  ASSERT_EQ(claimed.size(), 2u) << "the held one is not sent";
  for (const OutboxRow& r : claimed) EXPECT_NE(r.destination, "clinic");

  EXPECT_EQ(store_->setHolds({{pending[1].id, "withdrawn"}}, 3500).value(), 0)
      << "a delivery leased to a worker is not touched";
  ASSERT_TRUE(store_->recordDeliveries({{pending[1].id, kRetrying, 9000, "HTTP 503", ""}}, "w").ok());
  EXPECT_EQ(store_->setHolds({{pending[0].id, ""}, {pending[1].id, "withdrawn"}}, 4000).value(), 2);
  const OutboxRow released = store_->outboxRow(pending[0].id).value().value();
  EXPECT_EQ(released.state, kQueued);
  EXPECT_EQ(released.lastError, "");
  EXPECT_EQ(released.nextAttemptMs, 4000);
  EXPECT_EQ(store_->outboxRow(pending[1].id).value()->state, kHeld);
  auto next = store_->claimDeliveries("w", 10, 9500, 30000).value();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].destination, "clinic");
  auto stats = store_->queueStats().value();
  EXPECT_TRUE(std::any_of(stats.begin(), stats.end(), [](const QueueStats& q) {
    return q.destination == "office" && q.state == kHeld && q.count == 1;
  }));
}

/// A care-team delivery that is a notification of `fact` to `org`'s member.
PlannedDelivery notice(const std::string& destination, const std::string& org,
                       const std::string& fact, bool urgent, int64_t dueMs,
                       const std::string& token) {
  PlannedDelivery d{destination, "p", R"({"member":"Organization/)" + org + R"("})"};
  NotificationPlan n;
  n.factKey = fact;
  n.token = token;
  n.urgent = urgent;
  n.dueMs = dueMs;
  n.escalateTo = "desk";
  n.recipientOrganization = org;
  n.summary = R"({"event":"discharge"})";
  d.notification = n;
  if (urgent) d.payload = "urgent-" + token;
  return d;
}

TEST_P(CareAndPatientStore, NotificationsAreToldOncePerFactAndUrgentOnesQueueAtOnce) {
  const int64_t first = intakeOne("m1");
  const int64_t second = intakeOne("m2");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 2u);
  RoutingOutcome a{first, kRouted, "", "{}", "m1", {}};
  a.deliveries = {notice("clinic", "clinic-b", "fact-1", true, 10'000, "t1"),
                  notice("office", "office-c", "fact-2", false, 50'000, "t2"),
                  {"archive", "p"}};
  RoutingOutcome b{second, kRouted, "", "{}", "m2", {}};
  b.deliveries = {notice("clinic", "clinic-b", "fact-1", true, 10'000, "t3"),
                  notice("office", "office-c", "fact-2", false, 50'000, "t4"),
                  notice("office", "office-c", "fact-3", false, 50'000, "t5")};
  ASSERT_TRUE(store_->recordRouting({a, b}, "a", 2500).ok());

  auto rows = store_->claimDeliveries("w", 10, 3000, 30000).value();
  ASSERT_EQ(rows.size(), 2u) << "the urgent notification and the archive copy; routine ones wait";
  std::map<std::string, OutboxRow> byDestination;
  for (const OutboxRow& r : rows) byDestination[r.destination] = r;
  EXPECT_EQ(byDestination["clinic"].canonical, "urgent-t1") << "the notification's own content";
  EXPECT_EQ(byDestination["archive"].canonical, "m1");
  auto all = store_->notifications({}).value();
  ASSERT_EQ(all.size(), 3u) << "the second message's fact-1 and fact-2 were told already";
  EXPECT_EQ(all[2].token, "t1");
  EXPECT_EQ(all[2].state, kAwaiting);
  EXPECT_EQ(all[2].messageId, first);
  EXPECT_EQ(all[2].deliveryKey, byDestination["clinic"].idempotencyKey);
  EXPECT_EQ(all[0].token, "t5");
  EXPECT_EQ(all[0].state, kInDigest);

  const auto stats = store_->notificationStats().value();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].destination, "clinic");
  EXPECT_EQ(stats[0].state, kAwaiting);
  EXPECT_EQ(stats[0].count, 1);
  EXPECT_EQ(stats[1].destination, "office");
  EXPECT_EQ(stats[1].state, kInDigest);
  EXPECT_EQ(stats[1].count, 2);
  EXPECT_EQ(stats[1].oldestCreatedMs, 2500);
  EXPECT_TRUE(store_->dueNotifications(9'000, 10).value().empty());
  auto due = store_->dueNotifications(10'000, 10).value();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].token, "t1");
}

TEST_P(CareAndPatientStore, UrgentNotificationsAreAcknowledgedByTheirRecipientOrEscalatedOnce) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  o.deliveries = {notice("clinic", "clinic-b", "fact-1", true, 10'000, "t1"),
                  notice("office", "office-c", "fact-2", true, 10'000, "t2")};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());

  // An acknowledgement by another organization changes nothing; the recipient's does.
  const int64_t foreign = intakeOne("ack-1");
  RawInput byClinic{"api", "clinic-b", "Task", "", "ack-2"};
  const int64_t own = store_->intake({byClinic}, 3000).value()[0].messageId;
  ASSERT_EQ(store_->claimReceived("a", 10, 3000, 1000)->size(), 2u);
  RoutingOutcome ackForeign{foreign, kUnrouted, "", "{}", "ack-1", {}};
  ackForeign.acknowledgements = {"t1"};
  RoutingOutcome ackOwn{own, kUnrouted, "", "{}", "ack-2", {}};
  ackOwn.acknowledgements = {"t1"};
  ASSERT_TRUE(store_->recordRouting({ackForeign}, "a", 3100).ok());
  EXPECT_EQ(store_->notifications({kAcked, 10}).value().size(), 0u) << "clinic-1 is not clinic-b";
  ASSERT_TRUE(store_->recordRouting({ackOwn}, "a", 3200).ok());
  auto acked = store_->notifications({kAcked, 10}).value();
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0].token, "t1");
  EXPECT_EQ(acked[0].ackedBy, "clinic-b");
  EXPECT_EQ(acked[0].ackedMs, 3200);

  auto due = store_->dueNotifications(20'000, 10).value();
  ASSERT_EQ(due.size(), 1u) << "only the unacknowledged one";
  NewDelivery toDesk{id, "desk", "notification-x", "rk-esc-1", due[0].recipient, "escalation"};
  EXPECT_TRUE(store_->escalateNotification(due[0].id, {toDesk}, 20'000).value());
  EXPECT_FALSE(store_->escalateNotification(due[0].id, {toDesk}, 20'001).value())
      << "escalated once";
  EXPECT_TRUE(store_->dueNotifications(30'000, 10).value().empty());
  auto desk = store_->outbox({"", "desk", 10}).value();
  ASSERT_EQ(desk.size(), 1u);
  EXPECT_EQ(store_->outboxRow(desk[0].id).value()->canonical, "escalation");
  EXPECT_EQ(desk[0].recipient, due[0].recipient);

  EXPECT_TRUE(store_->acknowledgeNotification("t2", "", "operator: 田中", 40'000).value())
      << "an escalated notification can still be acknowledged";
  EXPECT_FALSE(store_->acknowledgeNotification("t2", "", "operator: 田中", 40'001).value());
  EXPECT_FALSE(store_->acknowledgeNotification("no-such-token", "", "x", 40'002).value());
}

TEST_P(CareAndPatientStore, RoutineNotificationsWaitForOneDigestPerRecipient) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  for (int k = 0; k < 3; ++k) {
    o.deliveries.push_back(notice("office", "office-c", "fact-" + std::to_string(k), false,
                                  100'000, "t" + std::to_string(k)));
  }
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  EXPECT_TRUE(store_->claimDeliveries("w", 10, 3000, 30000).value().empty());
  EXPECT_TRUE(store_->dueNotifications(3000, 10).value().empty());
  EXPECT_EQ(store_->digestNow(3000).value(), 3);
  auto due = store_->dueNotifications(3000, 10).value();
  ASSERT_EQ(due.size(), 3u);

  ASSERT_TRUE(store_->postponeNotifications({due[2].id}, 200'000).ok());
  EXPECT_EQ(store_->dueNotifications(3000, 10).value().size(), 2u);
  NewDelivery digest{id, "office", "digest-office", "rk-digest-1", due[0].recipient, "digest"};
  EXPECT_FALSE(store_->digestNotifications({due[0].id, due[1].id, 999}, digest, 3000).value())
      << "all or nothing";
  EXPECT_TRUE(store_->digestNotifications({due[0].id, due[1].id}, digest, 3000).value());
  EXPECT_FALSE(store_->digestNotifications({due[0].id}, digest, 3001).value()) << "digested once";
  auto rows = store_->claimDeliveries("w", 10, 4000, 30000).value();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].canonical, "digest");
  auto digested = store_->notifications({kDigested, 10}).value();
  ASSERT_EQ(digested.size(), 2u);
  EXPECT_EQ(digested[0].deliveryKey, "rk-digest-1");
  EXPECT_EQ(store_->notifications({kInDigest, 10}).value().size(), 1u);
}

TEST_P(CareAndPatientStore, APatientsTrailHasItsMessagesDeliveriesNotificationsAndReads) {
  const int64_t first = intakeOne("m1");
  const int64_t other = intakeOne("m2");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 2u);
  RoutingOutcome a{first, kRouted, "", R"({"rules":[]})", "m1", {}};
  a.patientIdentifiers = {"urn:oid:1.2.392.100495.20.3.51.11312345670|00012345", "urn:ins|X-1"};
  a.deliveries = {{"archive", "p"}, notice("office", "office-c", "fact-1", false, 5000, "t1")};
  RoutingOutcome b{other, kRouted, "", "{}", "m2", {}};
  b.patientIdentifiers = {"urn:oid:1.2.392.100495.20.3.51.11312345670|99999999"};
  b.deliveries = {{"archive", "q"}};
  ASSERT_TRUE(store_->recordRouting({a, b}, "a", 2500).ok());
  ASSERT_TRUE(store_->recordAudit({{3000, "api", "reader", "clinic-b", "GET", "/fhir/Patient", 200, 0,
                                    {first, other, first}}})
                  .ok());
  auto due = store_->dueNotifications(6000, 10).value();
  ASSERT_EQ(due.size(), 1u);
  NewDelivery digest{other, "office", "digest-office", "rk-digest-9", due[0].recipient, "digest"};
  ASSERT_TRUE(store_->digestNotifications({due[0].id}, digest, 6000).value());

  auto trail = store_->patientTrail("urn:oid:1.2.392.100495.20.3.51.11312345670", "00012345", 100).value();
  ASSERT_EQ(trail.messages.size(), 1u);
  EXPECT_EQ(trail.messages[0].id, first);
  EXPECT_EQ(trail.messages[0].routing, R"({"rules":[]})");
  ASSERT_EQ(trail.deliveries.size(), 2u) << "its archive copy and the digest that carried it";
  EXPECT_EQ(trail.deliveries[0].destination, "archive");
  EXPECT_EQ(trail.deliveries[1].idempotencyKey, "rk-digest-9");
  ASSERT_EQ(trail.notifications.size(), 1u);
  EXPECT_EQ(trail.notifications[0].state, kDigested);
  ASSERT_EQ(trail.views.size(), 1u) << "one row per message a read returned";
  EXPECT_EQ(trail.views[0].organization, "clinic-b");
  EXPECT_EQ(trail.views[0].messageId, first);
  EXPECT_FALSE(trail.truncated);

  EXPECT_EQ(store_->patientTrail("", "X-1", 100).value().messages.size(), 1u) << "any system";
  EXPECT_TRUE(store_->patientTrail("urn:other", "00012345", 100).value().messages.empty());
  EXPECT_TRUE(store_->patientTrail("", "nobody", 100).value().messages.empty());
}

TEST_P(CareAndPatientStore, PatientRegistryRecordsComeWithTheRoutingAndAPersonsDecisionStands) {
  auto plan = [](const std::string& record, const std::string& person, const std::string& state,
                 const std::string& action) {
    PatientLinkPlan p;
    p.link = {"clinic-1", record, person, state, 0, "", R"(["urn:x|1"])", R"({"resourceType":"Patient"})", "", 0};
    p.action = action;
    return p;
  };
  const int64_t first = intakeOne("m1");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome a{first, kRouted, "", "{}", "m1", {}};
  a.patientLink = plan("urn:x|1", "person-a", kReview, "review");
  a.patientLink->link.candidates = R"([{"person":"person-b"}])";
  ASSERT_TRUE(store_->recordRouting({a}, "a", 2500).ok());
  PatientLinkFilter one;
  one.organization = "clinic-1";
  one.record = "urn:x|1";
  auto links = store_->patientLinks(one).value();
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].state, kReview);
  EXPECT_EQ(links[0].candidates, R"([{"person":"person-b"}])");
  EXPECT_EQ(links[0].updatedMs, 2500);
  auto events = store_->matchEvents(0, "", 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "review");
  EXPECT_EQ(events[0].actor, "renkei");
  EXPECT_EQ(events[0].messageId, first);

  // A person links it; a later machine plan for the record refreshes what it carries, nothing else.
  PatientLink decided = links[0];
  decided.person = "person-b";
  decided.state = kLinked;
  decided.decidedBy = "佐藤";
  decided.updatedMs = 2600;
  ASSERT_TRUE(store_->decidePatientLink(decided, {0, 2600, "clinic-1", "urn:x|1", "link", "person-b",
                                                  "operator: 佐藤", 0, 0})
                  .ok());
  const int64_t second = intakeOne("m2");
  ASSERT_EQ(store_->claimReceived("a", 10, 2700, 1000)->size(), 1u);
  RoutingOutcome b{second, kRouted, "", "{}", "m2", {}};
  b.patientLink = plan("urn:x|1", "person-c", kLinked, "auto-link");
  b.patientLink->link.identifiers = R"(["urn:x|1","urn:y|2"])";
  ASSERT_TRUE(store_->recordRouting({b}, "a", 2800).ok());
  links = store_->patientLinks(one).value();
  EXPECT_EQ(links[0].person, "person-b");
  EXPECT_EQ(links[0].decidedBy, "佐藤");
  EXPECT_EQ(links[0].identifiers, R"(["urn:x|1","urn:y|2"])");
  events = store_->matchEvents(0, "urn:x|1", 10).value();
  ASSERT_EQ(events.size(), 2u) << "the machine's plan over a person's decision says nothing";
  EXPECT_EQ(events[1].action, "link");
  EXPECT_EQ(store_->matchEvents(events[0].id, "", 10).value().size(), 1u) << "after an id";

  PatientLinkFilter byPerson;
  byPerson.person = "person-b";
  EXPECT_EQ(store_->patientLinks(byPerson).value().size(), 1u);
  PatientLinkFilter sender;
  sender.organization = "clinic-1";
  EXPECT_EQ(store_->patientLinks(sender).value().size(), 1u);
  sender.organization = "clinic-2";
  EXPECT_TRUE(store_->patientLinks(sender).value().empty()) << "another sender's records";
  PatientLinkFilter reviewing;
  reviewing.state = kReview;
  EXPECT_TRUE(store_->patientLinks(reviewing).value().empty());
  decided.record = "urn:x|404";
  EXPECT_EQ(store_->decidePatientLink(decided, {0, 2900, "clinic-1", "urn:x|404", "link", "p", "o", 0, 0})
                .code(),
            StatusCode::NotFound);
  EXPECT_EQ(store_->patientTrail("urn:x", "1", 10).value().matches.size(), 2u)
      << "the audit trail has the registry's decisions";
  EXPECT_EQ(store_->patientTrail("", "1", 10).value().matches.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CareAndPatientStore, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store

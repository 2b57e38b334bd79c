// The Store contract, run on every backend: durable intake with duplicates, leases that expire,
// routing committed with its outbox rows, per-(destination, ordering key) order, retry and dead
// states, replay with the same idempotency key, retention, and migrations on reopen.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_backends.h"

namespace renkei::store {
namespace {

class StoreConformance : public test::FreshStoreTest {
 protected:
  RawInput input(const std::string& bytes, const std::string& key = "") {
    return {"inbox", "clinic-1", "file.json", key, bytes};
  }
  int64_t intakeOne(const std::string& bytes) {
    auto r = store_->intake({input(bytes)}, 1000);
    EXPECT_TRUE(r.ok()) << r.status().toString();
    return r.ok() ? r.value()[0].messageId : 0;
  }
  /// Intakes, claims and routes one message to `destinations`, all with one ordering key.
  int64_t routed(const std::string& bytes, std::vector<std::string> destinations,
                 const std::string& ordering = "patient-1") {
    const int64_t id = intakeOne(bytes);
    auto claimed = store_->claimReceived("a", 100, 2000, 30000);
    EXPECT_TRUE(claimed.ok());
    RoutingOutcome o{id, kRouted, "", "{}", bytes, {}};
    for (auto& d : destinations) o.deliveries.push_back({d, ordering});
    EXPECT_TRUE(store_->recordRouting({o}, "a", 2000).ok());
    return id;
  }

};

TEST_P(StoreConformance, IntakeCommitsRawBytesAndRecordsDuplicates) {
  auto first = store_->intake({input("{\"a\":1}"), input("{\"b\":2}")}, 1000);
  ASSERT_TRUE(first.ok()) << first.status().toString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_FALSE(first.value()[0].duplicate);
  EXPECT_EQ(first.value()[0].state, kReceived);
  EXPECT_NE(first.value()[0].messageId, first.value()[1].messageId);

  auto again = store_->intake({input("{\"a\":1}")}, 1500);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value()[0].duplicate);
  EXPECT_EQ(again.value()[0].messageId, first.value()[0].messageId);

  auto m = store_->message(first.value()[0].messageId);
  ASSERT_TRUE(m.ok() && m.value().has_value());
  EXPECT_EQ(m.value()->duplicates, 1);
  EXPECT_EQ(m.value()->sender, "clinic-1");
  auto raw = store_->rawBytes(m.value()->sha256);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw.value(), "{\"a\":1}");
  EXPECT_EQ(m.value()->sha256.size(), 64u);
}

TEST_P(StoreConformance, SourceKeysDecideDuplicatesNotBytes) {
  auto r = store_->intake({input("same", "key-1"), input("same", "key-2")}, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value()[1].duplicate) << "different keys are different inputs";
  EXPECT_EQ(r.value()[0].sha256, r.value()[1].sha256) << "bytes are stored once";
  auto dup = store_->intake({input("other bytes", "key-1"), input("more bytes", "key-3"),
                             input("third bytes", "key-3")}, 2);
  ASSERT_TRUE(dup.ok());
  EXPECT_TRUE(dup.value()[0].duplicate);
  EXPECT_EQ(dup.value()[0].sha256, r.value()[0].sha256) << "a duplicate names the original's bytes";
  EXPECT_TRUE(dup.value()[2].duplicate);
  EXPECT_EQ(dup.value()[2].sha256, dup.value()[1].sha256) << "also within one batch";
}

TEST_P(StoreConformance, ARepeatWithinOneBatchIsADuplicateOfItsFirstCopy) {
  auto r = store_->intake({input("same"), input("other"), input("same")}, 1);
  ASSERT_TRUE(r.ok()) << r.status().toString();
  EXPECT_FALSE(r.value()[0].duplicate);
  EXPECT_TRUE(r.value()[2].duplicate);
  EXPECT_EQ(r.value()[2].messageId, r.value()[0].messageId);
  EXPECT_NE(r.value()[1].messageId, r.value()[0].messageId);
  EXPECT_EQ(store_->message(r.value()[0].messageId).value()->duplicates, 1);
}

TEST_P(StoreConformance, LargeBatchesCommitTogether) {
  std::vector<RawInput> batch;
  for (int i = 0; i < 450; ++i) batch.push_back(input("input " + std::to_string(i)));
  auto r = store_->intake(batch, 1);
  ASSERT_TRUE(r.ok()) << r.status().toString();
  std::set<int64_t> ids;
  for (const auto& receipt : r.value()) ids.insert(receipt.messageId);
  EXPECT_EQ(ids.size(), 450u);
  auto claimed = store_->claimReceived("a", 1000, 2, 1000).value();
  ASSERT_EQ(claimed.size(), 450u);
  std::vector<RoutingOutcome> outcomes;
  for (const auto& m : claimed) {
    outcomes.push_back({m.id, kRouted, "", "{}", "c", {{"d1", "p" + std::to_string(m.id)}, {"d2", "p"}}});
  }
  auto applied = store_->recordRouting(outcomes, "a", 3);
  ASSERT_TRUE(applied.ok()) << applied.status().toString();
  EXPECT_EQ(std::count(applied->begin(), applied->end(), true), 450);
  EXPECT_EQ(store_->outbox({"", "d1", 1000})->size(), 450u);
  auto rows = store_->claimDeliveries("w", 1000, 4, 1000).value();
  EXPECT_EQ(rows.size(), 451u) << "d1 all distinct lines; d2 one line, so only its head";
  std::vector<DeliveryUpdate> updates;
  for (const auto& row : rows) updates.push_back({row.id, kSent, 0, "", ""});
  EXPECT_EQ(store_->recordDeliveries(updates, "w").value(), 451);
  EXPECT_EQ(store_->outbox({kSent, "", 1000})->size(), 451u);
}

TEST_P(StoreConformance, BinaryBytesSurviveIntact) {
  std::string bytes("\x00\xff\x01\x89PNG\r\n", 9);
  const int64_t id = intakeOne(bytes);
  auto m = store_->message(id);
  auto raw = store_->rawBytes(m.value()->sha256);
  ASSERT_TRUE(raw.ok()) << raw.status().toString();
  EXPECT_EQ(raw.value(), bytes);
}

TEST_P(StoreConformance, ReceivedMessagesAreLeasedUntilTheLeaseExpires) {
  const int64_t id = intakeOne("x");
  auto a = store_->claimReceived("a", 10, 2000, 1000);
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ(a.value()[0].id, id);
  EXPECT_TRUE(store_->claimReceived("b", 10, 2500, 1000)->empty()) << "still leased by a";
  auto b = store_->claimReceived("b", 10, 3001, 1000);
  ASSERT_EQ(b->size(), 1u) << "a's lease expired";
  // a's late outcome is ignored; b's counts.
  ASSERT_TRUE(store_->recordRouting({{id, kRouted, "", "{}", "x", {{"d1", "p"}}}}, "a", 3100).ok());
  EXPECT_EQ(store_->message(id).value()->state, kReceived);
  ASSERT_TRUE(store_->recordRouting({{id, kRouted, "", "{}", "x", {{"d1", "p"}}}}, "b", 3100).ok());
  EXPECT_EQ(store_->message(id).value()->state, kRouted);
  EXPECT_EQ(store_->outbox({})->size(), 1u);
}

TEST_P(StoreConformance, FailedNormalizationIsKeptWithItsReason) {
  const int64_t id = intakeOne("not json");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  ASSERT_TRUE(store_->recordRouting({{id, kFailed, "{\"issue\":[]}", "", "", {}}}, "a", 2000).ok());
  auto m = store_->message(id).value();
  EXPECT_EQ(m->state, kFailed);
  EXPECT_EQ(m->error, "{\"issue\":[]}");
  auto dup = store_->intake({input("not json")}, 3000);
  EXPECT_EQ(dup.value()[0].state, kFailed) << "a resent bad file reports the original outcome";
}

TEST_P(StoreConformance, OneRowPerDestinationWithStableIdempotencyKeys) {
  const int64_t id = routed("m1", {"hospital", "nurse"});
  auto rows = store_->outbox({});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows.value()[0].messageId, id);
  EXPECT_EQ(rows.value()[0].state, kQueued);
  EXPECT_NE(rows.value()[0].idempotencyKey, rows.value()[1].idempotencyKey);
  EXPECT_EQ(rows.value()[0].idempotencyKey.rfind("rk-", 0), 0u);
  EXPECT_EQ(rows.value()[0].sender, "clinic-1") << "sinks name the sender's own resources by it";
  auto claimed = store_->claimDeliveries("w", 10, 5000, 30000).value();
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].sender, "clinic-1");
  EXPECT_EQ(claimed[0].canonical, "m1");
}

TEST_P(StoreConformance, DeliveriesGoOutInOrderPerDestinationAndOrderingKey) {
  routed("first", {"hospital"}, "patient-1");
  routed("second", {"hospital"}, "patient-1");
  routed("other patient", {"hospital"}, "patient-2");
  auto claimed = store_->claimDeliveries("w", 10, 5000, 30000);
  ASSERT_TRUE(claimed.ok()) << claimed.status().toString();
  ASSERT_EQ(claimed->size(), 2u) << "patient-1's second message waits for its first";
  EXPECT_EQ(claimed.value()[0].canonical, "first");
  EXPECT_EQ(claimed.value()[1].canonical, "other patient");
  EXPECT_EQ(claimed.value()[0].attempts, 1);

  ASSERT_EQ(store_->recordDeliveries({{claimed.value()[0].id, kSent, 0, "", ""}}, "w").value(), 1);
  auto next = store_->claimDeliveries("w", 10, 5001, 30000);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ(next.value()[0].canonical, "second");
}

TEST_P(StoreConformance, WorkersClaimingAtOnceNeverShareADelivery) {
  // On PostgreSQL each caller runs on its own pooled connection, as separate instances would.
  for (int i = 0; i < 60; ++i) routed("m" + std::to_string(i), {"hospital"}, "p" + std::to_string(i));
  std::mutex mutex;
  std::vector<int64_t> claimedIds;
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      const std::string owner = "w" + std::to_string(w);
      for (;;) {
        auto claimed = store_->claimDeliveries(owner, 7, 5000, 30000);
        ASSERT_TRUE(claimed.ok()) << claimed.status().toString();
        if (claimed->empty()) return;
        std::vector<DeliveryUpdate> sent;
        for (const OutboxRow& row : claimed.value()) sent.push_back({row.id, kSent, 0, "", ""});
        ASSERT_TRUE(store_->recordDeliveries(sent, owner).ok());
        std::lock_guard lock(mutex);
        for (const OutboxRow& row : claimed.value()) claimedIds.push_back(row.id);
      }
    });
  }
  for (std::thread& t : workers) t.join();
  std::set<int64_t> distinct(claimedIds.begin(), claimedIds.end());
  EXPECT_EQ(claimedIds.size(), 60u) << "every delivery claimed once";
  EXPECT_EQ(distinct.size(), 60u);
}

TEST_P(StoreConformance, RetryWaitsForItsTimeAndHoldsItsLine) {
  routed("first", {"hospital"});
  routed("second", {"hospital"});
  auto c = store_->claimDeliveries("w", 10, 5000, 30000).value();
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(store_->recordDeliveries({{c[0].id, kRetrying, 9000, "HTTP 503", "busy"}}, "w").value(),
            1);
  EXPECT_TRUE(store_->claimDeliveries("w", 10, 8999, 30000)->empty())
      << "not due yet, and the second waits behind it";
  auto again = store_->claimDeliveries("w", 10, 9000, 30000).value();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, c[0].id);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[0].lastError, "HTTP 503");
}

TEST_P(StoreConformance, DeadLettersKeepTheResponseAndCanBeRetried) {
  routed("m", {"hospital"});
  auto c = store_->claimDeliveries("w", 10, 5000, 30000).value();
  ASSERT_TRUE(store_->recordDeliveries({{c[0].id, kDead, 0, "HTTP 403", "{\"forbidden\":1}"}}, "w")
                  .ok());
  auto dead = store_->outbox({kDead, "", 10}).value();
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].responseBody, "{\"forbidden\":1}");
  EXPECT_TRUE(store_->claimDeliveries("w", 10, 6000, 30000)->empty());
  EXPECT_TRUE(store_->retryNow(c[0].id, 7000).value());
  EXPECT_EQ(store_->claimDeliveries("w", 10, 7000, 30000)->size(), 1u);
  EXPECT_FALSE(store_->retryNow(999999, 7000).value());
}

TEST_P(StoreConformance, ExpiredDeliveryLeasesAreTakenOverAndLateResultsIgnored) {
  routed("m", {"hospital"});
  auto a = store_->claimDeliveries("instance-a", 10, 5000, 1000).value();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_TRUE(store_->claimDeliveries("instance-b", 10, 5500, 1000)->empty());
  auto b = store_->claimDeliveries("instance-b", 10, 6001, 1000).value();
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].idempotencyKey, a[0].idempotencyKey);
  EXPECT_EQ(store_->recordDeliveries({{a[0].id, kSent, 0, "", ""}}, "instance-a").value(), 0);
  EXPECT_EQ(store_->recordDeliveries({{b[0].id, kSent, 0, "", ""}}, "instance-b").value(), 1);
  EXPECT_EQ(store_->outboxRow(a[0].id).value()->state, kSent);
}

TEST_P(StoreConformance, ARestartedInstanceTakesBackItsOwnLeasesAtOnce) {
  routed("m", {"hospital"});
  ASSERT_EQ(store_->claimDeliveries("host-1", 10, 5000, 60000)->size(), 1u);
  EXPECT_TRUE(store_->claimDeliveries("host-1", 10, 5001, 60000)->empty());
  ASSERT_TRUE(store_->releaseLeases("host-1").ok());
  EXPECT_EQ(store_->claimDeliveries("host-1", 10, 5002, 60000)->size(), 1u);
}

TEST_P(StoreConformance, ReplayQueuesTheMessageAgainWithTheSameKey) {
  const int64_t id = routed("m", {"hospital"});
  auto c = store_->claimDeliveries("w", 10, 5000, 30000).value();
  ASSERT_TRUE(store_->recordDeliveries({{c[0].id, kSent, 0, "", ""}}, "w").ok());
  auto replayed = store_->replay(id, "hospital", 6000);
  ASSERT_TRUE(replayed.ok()) << replayed.status().toString();
  auto row = store_->outboxRow(replayed.value()).value();
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->state, kQueued);
  EXPECT_EQ(row->idempotencyKey, c[0].idempotencyKey);
  EXPECT_EQ(row->canonical, "m");
  EXPECT_EQ(store_->replay(424242, "hospital", 1).status().code(), StatusCode::NotFound);
}

TEST_P(StoreConformance, QueueStatsCountByDestinationAndState) {
  routed("a", {"hospital", "nurse"});
  routed("b", {"hospital"}, "patient-2");
  auto stats = store_->queueStats().value();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].destination, "hospital");
  EXPECT_EQ(stats[0].state, kQueued);
  EXPECT_EQ(stats[0].count, 2);
  EXPECT_EQ(stats[0].oldestCreatedMs, 2000);
  EXPECT_EQ(stats[1].destination, "nurse");
}

TEST_P(StoreConformance, RetentionPurgesOnlyFinishedOldInputs) {
  const int64_t done = routed("delivered", {"hospital"});
  routed("pending", {"hospital"}, "patient-2");
  auto c = store_->claimDeliveries("w", 10, 5000, 30000).value();
  ASSERT_EQ(c.size(), 2u);
  ASSERT_TRUE(store_->recordDeliveries({{c[0].id, kSent, 0, "", ""}}, "w").ok());
  EXPECT_EQ(store_->purgeRaw(500).value(), 0) << "nothing received before the cutoff";
  EXPECT_EQ(store_->purgeRaw(1001).value(), 1) << "only the delivered one";
  auto m = store_->message(done).value();
  EXPECT_EQ(store_->rawBytes(m->sha256).status().code(), StatusCode::NotFound);
  EXPECT_EQ(store_->replay(done, "hospital", 1).status().code(), StatusCode::Conflict)
      << "a purged message cannot be replayed";
}

TEST_P(StoreConformance, CurrentResourcesOfEveryOrganizationComeInPages) {
  int64_t n = 0;
  for (const char* sender : {"clinic-b", "clinic-a"}) {
    for (const char* id : {"rk2", "rk1"}) {
      RawInput in{"inbox", sender, "f.json", "key-" + std::to_string(++n), "m" + std::to_string(n)};
      const int64_t messageId = store_->intake({in}, 1000).value()[0].messageId;
      RoutingOutcome o{messageId, kRouted, "", "{}", "m", {}};
      o.resources = {{"Patient", id, std::string(R"({"resourceType":"Patient","id":")") + id + "\"}"},
                     {"Observation", "o" + std::string(id), R"({"resourceType":"Observation"})"}};
      ASSERT_TRUE(store_->recordRouting({o}, "a", 2000).ok());
    }
  }
  auto first = store_->currentResources("Patient", "", "", 3).value();
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].organization + "/" + first[0].id, "clinic-a/rk1");
  EXPECT_EQ(first[2].organization + "/" + first[2].id, "clinic-b/rk1");
  auto rest = store_->currentResources("Patient", first[2].organization, first[2].id, 3).value();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].organization + "/" + rest[0].id, "clinic-b/rk2");
}

TEST_P(StoreConformance, RoutedResourcesAreStoredForTheSender) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  o.resources = {{"Patient", "rk1", R"({"resourceType":"Patient","id":"rk1"})"},
                 {"Observation", "rk2", R"({"resourceType":"Observation","id":"rk2"})"}};
  ASSERT_TRUE(store_->recordRouting({o, o}, "a", 2500).ok()) << "the same outcome twice is applied once";
  auto p = store_->resource("Patient", "rk1", {"clinic-1"}, 0).value();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->version, 1);
  EXPECT_EQ(p->organization, "clinic-1");
  EXPECT_EQ(p->messageId, id);
  EXPECT_EQ(p->content, R"({"resourceType":"Patient","id":"rk1"})");
  EXPECT_TRUE(store_->resource("Patient", "rk1", {"clinic-1"}, 1).value().has_value());
  EXPECT_FALSE(store_->resource("Patient", "rk1", {"clinic-1"}, 2).value().has_value());
  EXPECT_FALSE(store_->resource("Patient", "rk2", {"clinic-1"}, 0).value().has_value())
      << "type and id together";
  EXPECT_FALSE(store_->resource("Patient", "rk1", {"other-org"}, 0).value().has_value())
      << "each organization has its own id space";
}

TEST_P(StoreConformance, DeliveriesToOneChannelForTwoRecipientsAreTwoRowsWithTheirOwnKeys) {
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

TEST_P(StoreConformance, HeldDeliveriesWaitUntilReleasedAndQueuedOnesCanBeHeld) {
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

TEST_P(StoreConformance, NotificationsAreToldOncePerFactAndUrgentOnesQueueAtOnce) {
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

TEST_P(StoreConformance, UrgentNotificationsAreAcknowledgedByTheirRecipientOrEscalatedOnce) {
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

TEST_P(StoreConformance, RoutineNotificationsWaitForOneDigestPerRecipient) {
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

TEST_P(StoreConformance, APatientsTrailHasItsMessagesDeliveriesNotificationsAndReads) {
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

TEST_P(StoreConformance, PatientRegistryRecordsComeWithTheRoutingAndAPersonsDecisionStands) {
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

TEST_P(StoreConformance, TheLatestMessageToWriteATypeIsKnown) {
  EXPECT_EQ(store_->latestResourceMessage("CareTeam").value(), 0);
  const int64_t first = intakeOne("m1");
  const int64_t second = intakeOne("m2");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 2u);
  RoutingOutcome a{first, kRouted, "", "{}", "m1", {}};
  a.resources = {{"CareTeam", "t1", R"({"resourceType":"CareTeam","id":"t1"})"}};
  RoutingOutcome b{second, kRouted, "", "{}", "m2", {}};
  b.resources = {{"Patient", "p1", R"({"resourceType":"Patient","id":"p1"})"}};
  ASSERT_TRUE(store_->recordRouting({a, b}, "a", 2500).ok());
  EXPECT_EQ(store_->latestResourceMessage("CareTeam").value(), first);
  EXPECT_EQ(store_->latestResourceMessage("Patient").value(), second);
  EXPECT_EQ(store_->latestResourceMessage("Endpoint").value(), 0);
}

TEST_P(StoreConformance, ARecipientReadsWhatWasRoutedToItsDestinations) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {{"nurse-station", "p"}}};
  o.resources = {{"Patient", "rk1", "{1}", {{"gender", "female"}}}};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  const ReadScope recipient{"nurses", {"nurse-station"}};
  EXPECT_TRUE(store_->resource("Patient", "rk1", recipient, 0).value().has_value());
  EXPECT_FALSE(store_->resource("Patient", "rk1", {"nurses", {"elsewhere"}}, 0).value().has_value());
  int64_t total = 0;
  EXPECT_EQ(store_->search("Patient", recipient, {{"gender", "=", "female"}}, 10, 0, total)->size(), 1u);
  EXPECT_TRUE(store_->search("Patient", {"nurses"}, {}, 10, 0, total)->empty());
}

TEST_P(StoreConformance, UpdatesAreVersionedAndIfMatchIsCheckedInTheCommit) {
  auto update = [&](const std::string& bytes, const std::string& content, int64_t ifMatch,
                    const std::string& name) {
    const int64_t id = intakeOne(bytes);
    EXPECT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
    std::vector<RoutingOutcome> o{{id, kRouted, "", "{}", bytes, {{"hospital", "p"}}}};
    ResourceCopy copy{"Patient", "p", content, {{"name", name}}};
    copy.update = true;
    copy.ifMatch = ifMatch;
    o[0].resources = {copy};
    EXPECT_TRUE(store_->recordRouting(o, "a", 2500).ok());
    return o[0];
  };
  auto first = update("u1", "{1}", 0, "たろう");
  EXPECT_EQ(first.resources[0].version, 1);
  EXPECT_TRUE(first.resources[0].created) << "an update of nothing creates version 1";
  auto second = update("u2", "{2}", 0, "はなこ");
  EXPECT_EQ(second.resources[0].version, 2);
  EXPECT_FALSE(second.resources[0].created);
  auto same = update("u3", "{2}", 0, "はなこ");
  EXPECT_EQ(same.resources[0].version, 2) << "unchanged content makes no new version";
  auto stale = update("u4", "{4}", 1, "じろう");
  EXPECT_EQ(stale.state, kFailed);
  EXPECT_NE(stale.error.find(std::string("\"code\":\"") + kVersionConflictCode + "\""), std::string::npos);
  EXPECT_TRUE(stale.deliveries.empty());
  EXPECT_EQ(store_->message(stale.messageId).value()->state, kFailed);
  EXPECT_EQ(store_->outbox({"", "", 100}).value().size(), 3u) << "the stale update is not delivered";
  auto fresh = update("u5", "{5}", 2, "じろう");
  EXPECT_EQ(fresh.resources[0].version, 3);

  auto current = store_->resource("Patient", "p", {"clinic-1"}, 0).value();
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->version, 3);
  EXPECT_EQ(current->content, "{5}");
  EXPECT_EQ(store_->resource("Patient", "p", {"clinic-1"}, 1).value()->content, "{1}");
  int64_t total = 0;
  EXPECT_TRUE(store_->search("Patient", {"clinic-1"}, {{"name", "=", "たろう"}}, 10, 0, total)->empty())
      << "an old version's values do not match";
  auto found = store_->search("Patient", {"clinic-1"}, {{"name", "=", "じろう"}}, 10, 0, total).value();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].version, 3);
  EXPECT_EQ(store_->search("Patient", {"clinic-1"}, {}, 10, 0, total)->size(), 1u)
      << "search sees current versions only";
}

TEST_P(StoreConformance, UpdatesOfOneResourceInOneBatchFollowEachOther) {
  const int64_t a = intakeOne("b1");
  const int64_t b = intakeOne("b2");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 2u);
  std::vector<RoutingOutcome> o{{a, kRouted, "", "{}", "b1", {}}, {b, kRouted, "", "{}", "b2", {}}};
  for (auto& outcome : o) {
    ResourceCopy copy{"Patient", "q", outcome.canonical, {}};
    copy.update = true;
    outcome.resources = {copy};
  }
  o[1].resources[0].ifMatch = 1;
  ASSERT_TRUE(store_->recordRouting(o, "a", 2500).ok());
  EXPECT_EQ(o[0].resources[0].version, 1);
  EXPECT_EQ(o[1].resources[0].version, 2) << "the second sees the first's version in the same commit";
}

TEST_P(StoreConformance, SearchMatchesEveryCriterionWithinTheOrganization) {
  const int64_t id = intakeOne("m");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "m", {}};
  o.resources = {{"Patient", "p1", "{1}", {{"gender", "female"}, {"birthdate", "1942-03-09"}, {"name", "れんけい"}}},
                 {"Patient", "p2", "{2}", {{"gender", "male"}, {"birthdate", "1950-01-01"}, {"name", "れんけい"}}},
                 {"Patient", "p3", "{3}", {{"gender", "female"}, {"birthdate", "1960-12-31"}, {"name", "やまだ"}}}};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  int64_t total = 0;
  auto women = store_->search("Patient", {"clinic-1"}, {{"gender", "=", "female"}}, 10, 0, total).value();
  EXPECT_EQ(total, 2);
  ASSERT_EQ(women.size(), 2u);
  EXPECT_EQ(women[0].id, "p1");
  auto older = store_->search("Patient", {"clinic-1"}, {{"gender", "=", "female"}, {"birthdate", "<", "1950"}},
                              10, 0, total).value();
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].content, "{1}");
  EXPECT_EQ(store_->search("Patient", {"clinic-1"}, {{"name", "prefix", "れん"}}, 10, 0, total)->size(), 2u);
  EXPECT_EQ(store_->search("Patient", {"clinic-1"}, {{"name", "prefix", "%"}}, 10, 0, total)->size(), 3u)
      << "a wildcard in the query is not a wildcard";
  EXPECT_EQ(store_->search("Patient", {"clinic-1"}, {{"_id", "=", "p3"}}, 10, 0, total)->size(), 1u);
  EXPECT_TRUE(store_->search("Patient", {"other-org"}, {}, 10, 0, total)->empty());
  auto page = store_->search("Patient", {"clinic-1"}, {}, 2, 2, total).value();
  EXPECT_EQ(total, 3);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, "p3");
}

TEST_P(StoreConformance, ReindexingReplacesTheSearchValuesOfCurrentVersions) {
  const int64_t id = intakeOne("r");
  ASSERT_EQ(store_->claimReceived("a", 10, 2000, 1000)->size(), 1u);
  RoutingOutcome o{id, kRouted, "", "{}", "r", {}};
  o.resources = {{"Organization", "o1", R"({"city":"新宿区"})", {{"name", "いち"}}},
                 {"Organization", "o2", R"({"city":"中野区"})", {{"name", "に"}}}};
  ASSERT_TRUE(store_->recordRouting({o}, "a", 2500).ok());
  int64_t total = 0;
  EXPECT_TRUE(store_->search("Organization", {"clinic-1"}, {{"municipality", "=", "新宿区"}}, 10, 0, total)
                  ->empty());
  auto done = store_->reindexSearch("Organization", [](const StoredResource& r) {
    const std::string city = r.content.substr(9, r.content.size() - 11);
    return std::vector<std::pair<std::string, std::string>>{{"municipality", city}};
  });
  ASSERT_TRUE(done.ok()) << done.status().toString();
  EXPECT_EQ(done.value(), 2);
  auto found = store_->search("Organization", {"clinic-1"}, {{"municipality", "=", "新宿区"}}, 10, 0, total);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found.value()[0].id, "o1");
  EXPECT_TRUE(store_->search("Organization", {"clinic-1"}, {{"name", "=", "いち"}}, 10, 0, total)->empty())
      << "the old values are gone";
}

TEST_P(StoreConformance, AuditRecordsAreKeptNewestFirst) {
  ASSERT_TRUE(store_->recordAudit({{1000, "hospital", "a", "org-a", "POST", "/fhir/Patient", 201, 7},
                                   {1001, "hospital", "", "", "POST", "/fhir/Patient", 401, 0}})
                  .ok());
  auto rows = store_->audit(10).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, 401);
  EXPECT_EQ(rows[1].client, "a");
  EXPECT_EQ(rows[1].messageId, 7);
}

TEST_P(StoreConformance, SourceFilesAreRecordedPerSourceAndReplaced) {
  ASSERT_TRUE(store_->recordSourceFiles({{"storage", "000/000/0000001/-/ADT-00/a", 10, 111, "aa", 3, "", 1000},
                                         {"storage", "000/000/0000001/-/ADT-00/b", 20, 222, "bb", 0,
                                          "no mapping for data type OML-01", 1000},
                                         {"other", "x", 1, 1, "cc", 4, "", 1000}})
                  .ok());
  ASSERT_TRUE(store_->recordSourceFiles({{"storage", "000/000/0000001/-/ADT-00/a", 11, 333, "dd", 5, "", 2000}}).ok());
  auto files = store_->sourceFiles("storage").value();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].path, "000/000/0000001/-/ADT-00/a");
  EXPECT_EQ(files[0].size, 11);
  EXPECT_EQ(files[0].mtimeNs, 333);
  EXPECT_EQ(files[0].sha256, "dd");
  EXPECT_EQ(files[0].messageId, 5);
  EXPECT_EQ(files[1].problem, "no mapping for data type OML-01");
  EXPECT_EQ(store_->sourceFiles("").value().size(), 3u);
  std::vector<SourceFileState> many;
  for (int i = 0; i < 450; ++i) many.push_back({"bulk", "f" + std::to_string(i), i, i, "h", 0, "", 1});
  ASSERT_TRUE(store_->recordSourceFiles(many).ok()) << "more rows than one statement takes";
  EXPECT_EQ(store_->sourceFiles("bulk").value().size(), 450u);
}

TEST_P(StoreConformance, ReopeningKeepsDataAndSchemaVersion) {
  const int64_t id = intakeOne("kept");
  EXPECT_EQ(store_->schemaVersion(), 12);
  store_.reset();
  auto reopened = openStore(config_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().toString();
  store_ = std::move(reopened.value());
  EXPECT_EQ(store_->schemaVersion(), 12);
  EXPECT_TRUE(store_->message(id).value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store

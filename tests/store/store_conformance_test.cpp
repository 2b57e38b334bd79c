// The Store contract, run on every backend: durable intake with duplicates, leases that expire,
// routing committed with its outbox rows, per-(destination, ordering key) order, retry and dead
// states, replay with the same idempotency key, retention, and migrations on reopen.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/store_conformance.h"

namespace renkei::store {
namespace {

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
  EXPECT_EQ(store_->schemaVersion(), 13);
  store_.reset();
  auto reopened = openStore(config_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().toString();
  store_ = std::move(reopened.value());
  EXPECT_EQ(store_->schemaVersion(), 13);
  EXPECT_TRUE(store_->message(id).value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace renkei::store

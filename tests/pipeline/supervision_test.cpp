// Work never stops silently: a store that throws or fails under the delivery workers, the folder
// source or the group committer makes that loop log, report itself in /healthz (503) and
// /metrics, and restart with backoff — and once the fault is gone the input is delivered. A
// sink's programming error is a dead letter with its reason, a transient one a retry; data the
// store refuses for good makes that one message FAILED or that one delivery DEAD.
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include "pipeline/flaky_store.h"
#include "pipeline/pipeline_fixture.h"
#include "renkei/core/file_io.h"
#include "renkei/core/json_log.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/pipeline/group_commit_intake.h"
#include "server/admin_server.h"

namespace renkei::test {
namespace {
namespace fs = std::filesystem;

/// Delivers and counts; throws std::runtime_error for the next `runtimeErrors` calls, and
/// std::logic_error while `logicError` is set; for patient "toxic" it answers a body the store
/// refuses (FlakyStore's poison).
class ScriptedSink : public pipeline::Sink {
 public:
  std::atomic<int> runtimeErrors{0};
  std::atomic<bool> logicError{false};
  std::atomic<int> delivered{0};

  std::vector<std::size_t> batchSizes;  ///< of each deliverBatch call

  std::vector<pipeline::DeliveryResult> deliverBatch(
      const std::vector<pipeline::DeliveryRequest>& requests) override {
    batchSizes.push_back(requests.size());
    return pipeline::Sink::deliverBatch(requests);
  }
  pipeline::DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    if (logicError) throw std::logic_error("sink bug: vector index out of range");
    if (runtimeErrors.fetch_sub(1) > 0) throw std::runtime_error("receiver library failed");
    if (request.canonicalJson.find("explodes") != std::string_view::npos) {
      throw std::runtime_error("cannot render this one");
    }
    ++delivered;
    const bool poisoned = request.canonicalJson.find("toxic") != std::string_view::npos;
    return {pipeline::Outcome::Delivered, "", poisoned ? "poison-patient" : "ok", {}};
  }
};

/// Log lines, readable while loops write them (xsputn calls overflow: the lock is recursive).
class LockedLog : public std::stringbuf {
 public:
  std::string text() {
    std::lock_guard lock(mutex_);
    return str();
  }

 protected:
  int sync() override { return 0; }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::xsputn(s, n);
  }
  int_type overflow(int_type c) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::overflow(c);
  }

 private:
  std::recursive_mutex mutex_;
};

class SupervisionTest : public PipelineFixture {
 protected:
  void SetUp() override {
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
    flaky_ = std::make_shared<FlakyStore>(store_);
    sinks_["out"] = sink_;
    pipeline_ = pipelineOver(flaky_, "test");
    JsonLog::setOutput(&logStream_);
  }
  void TearDown() override {
    if (source_) source_->stop();
    pipeline_->stop();
    JsonLog::setOutput(&std::cerr);
  }

  void waitFor(const std::function<bool()>& done, int ms = 10000) {
    for (int waited = 0; waited < ms && !done(); waited += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ComponentHealth component(const std::string& name) {
    auto all = metrics_->health()->snapshot();
    auto it = all.find(name);
    return it == all.end() ? ComponentHealth{"absent"} : it->second;
  }
  /// GET on the admin endpoint: (status, body).
  static std::pair<int, std::string> get(int port, const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    return {static_cast<int>(response.getStatus()), body};
  }
  std::optional<store::OutboxRow> rowFor(int64_t messageId) {
    auto rows = store_->outbox({});
    for (const store::OutboxRow& r : rows.value()) {
      if (r.messageId == messageId) return r;
    }
    return std::nullopt;
  }
  void startFolderSource() {
    fs::create_directories(dir_.path() / "inbox");
    folderConfig_.Parse((R"({"type": "folder", "path": ")" + (dir_.path() / "inbox").string() +
                         R"(", "poll_ms": 20, "min_age_ms": 100})")
                            .c_str());
    pipeline::AdapterContext ctx{"inbox", &folderConfig_, nullptr, pipeline_.get(), metrics_};
    auto source = registry_.source("folder")->makeSource(ctx);
    ASSERT_TRUE(source.ok());
    source_ = source.value();
    ASSERT_TRUE(source_->start().ok());
  }
  static std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  }

  std::shared_ptr<FlakyStore> flaky_;
  std::shared_ptr<ScriptedSink> sink_ = std::make_shared<ScriptedSink>();
  LockedLog logBuffer_;
  std::ostream logStream_{&logBuffer_};
  rapidjson::Document folderConfig_;
  std::shared_ptr<pipeline::Source> source_;
};

TEST_F(SupervisionTest, ADeliveryWorkerWhoseStoreThrowsRestartsShowsInHealthzAndRecovers) {
  const int64_t id = submitOne(patientJson("p1")).messageId;
  flaky_->claimDeliveriesFaults.fail(-1, true);
  server::AdminServer admin(flaky_, metrics_);
  ASSERT_TRUE(admin.start("127.0.0.1:0").ok());
  pipeline_->start();
  waitFor([&] { return component("pipeline:delivery-1").failures >= 2; });
  ASSERT_GE(component("pipeline:delivery-1").failures, 2) << "the worker restarted after each failure";
  EXPECT_EQ(component("pipeline:delivery-1").state, kComponentRestarting);

  auto [code, health] = get(admin.port(), "/healthz");
  EXPECT_EQ(code, 503) << health;
  EXPECT_NE(health.find(R"("status":"degraded")"), std::string::npos) << health;
  EXPECT_NE(health.find(R"("pipeline:delivery-1":{"state":"restarting")"), std::string::npos) << health;
  EXPECT_NE(health.find("injected store failure in claimDeliveries"), std::string::npos) << health;
  const std::string metrics = get(admin.port(), "/metrics").second;
  EXPECT_NE(metrics.find(R"(renkei_component_up{component="pipeline:delivery-1"} 0)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(renkei_component_failures_total{component="pipeline:delivery-1"} )"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(renkei_component_up{component="pipeline:router"} 1)"), std::string::npos);
  EXPECT_EQ(sink_->delivered, 0);

  flaky_->claimDeliveriesFaults.clear();
  waitFor([&] { return rowFor(id) && rowFor(id)->state == store::kSent; });
  EXPECT_EQ(rowFor(id)->state, store::kSent) << "delivered once the store is back";
  EXPECT_EQ(sink_->delivered, 1);
  waitFor([&] { return metrics_->health()->healthy(); });
  auto [after, body] = get(admin.port(), "/healthz");
  EXPECT_EQ(after, 200) << body;
  EXPECT_NE(body.find(R"("status":"ok")"), std::string::npos) << body;
  admin.stop();

  const std::string log = logBuffer_.text();
  EXPECT_NE(log.find(R"("event":"component_failed","component":"pipeline:delivery-1")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("event":"component_recovered")"), std::string::npos) << log;
  EXPECT_EQ(log.find("連携"), std::string::npos) << "no patient data in logs";
}

TEST_F(SupervisionTest, StoreErrorsForAFewCallsAreRetriedWithBackoffThenDelivered) {
  const int64_t id = submitOne(patientJson("p2")).messageId;
  flaky_->claimDeliveriesFaults.fail(3, false);
  pipeline_->start();
  waitFor([&] { return rowFor(id) && rowFor(id)->state == store::kSent; });
  EXPECT_EQ(rowFor(id)->state, store::kSent);
  EXPECT_EQ(flaky_->claimDeliveriesFaults.hits(), 3);
  EXPECT_EQ(component("pipeline:delivery-1").failures + component("pipeline:delivery-2").failures, 3);
  waitFor([&] { return metrics_->health()->healthy(); });
  EXPECT_TRUE(metrics_->health()->healthy());
  EXPECT_EQ(occurrences(logBuffer_.text(), R"("event":"component_failed")"), 3u);
}

TEST_F(SupervisionTest, TheFolderSourceRestartsWhileTheIntakeThrowsThenDelivers) {
  flaky_->intakeFaults.fail(-1, true);
  pipeline_->start();
  startFolderSource();
  const fs::path inbox = dir_.path() / "inbox";
  ASSERT_TRUE(writeFileAtomically((inbox / "山田太郎.json").string(), patientJson("p3")).ok());
  waitFor([&] { return component("source:inbox").failures >= 2; });
  EXPECT_GE(component("source:inbox").failures, 2);
  EXPECT_EQ(component("source:inbox").state, kComponentRestarting);
  EXPECT_TRUE(fs::exists(inbox / "processing" / "山田太郎.json")) << "kept until committed";
  EXPECT_FALSE(metrics_->health()->healthy());

  flaky_->intakeFaults.clear();
  waitFor([&] { return sink_->delivered == 1; });
  EXPECT_EQ(sink_->delivered, 1);
  waitFor([&] { return !fs::exists(inbox / "processing" / "山田太郎.json"); });
  EXPECT_FALSE(fs::exists(inbox / "processing" / "山田太郎.json"));
  waitFor([&] { return component("source:inbox").state == kComponentRunning; });
  EXPECT_EQ(component("source:inbox").state, kComponentRunning);
  const std::string log = logBuffer_.text();
  EXPECT_NE(log.find(R"("component":"source:inbox")"), std::string::npos) << log;
  EXPECT_EQ(log.find("山田"), std::string::npos) << "file names can hold patient names: " << log;
}

TEST_F(SupervisionTest, TheGroupCommitterAnswersItsCallersWhenTheCommitThrows) {
  pipeline::GroupCommitIntake intake(*pipeline_, 8);
  flaky_->intakeFaults.fail(-1, true);
  auto refused = intake.submit({{"api", "clinic", "a", "", patientJson("p4")}});
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_FALSE(refused[0].committed.ok()) << "the caller is answered, not left waiting";
  waitFor([&] { return component("intake:group_commit").failures == 1; });
  EXPECT_EQ(component("intake:group_commit").failures, 1);
  EXPECT_EQ(component("intake:group_commit").state, kComponentRestarting);
  flaky_->intakeFaults.clear();
  auto accepted = intake.submit({{"api", "clinic", "a", "", patientJson("p4")}});
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_TRUE(accepted[0].committed.ok()) << accepted[0].committed.toString();
  waitFor([&] { return component("intake:group_commit").state == kComponentRunning; });
  EXPECT_EQ(component("intake:group_commit").state, kComponentRunning);
}

TEST_F(SupervisionTest, ASinkThatThrowsARuntimeErrorIsRetriedThenDelivered) {
  sink_->runtimeErrors = 2;
  const int64_t id = submitOne(patientJson("p5")).messageId;
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  EXPECT_EQ(rowFor(id)->state, store::kRetrying);
  EXPECT_NE(rowFor(id)->lastError.find("the sink failed (exception: receiver library failed)"),
            std::string::npos) << rowFor(id)->lastError;
  advance(600'000);
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  advance(600'000);
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  EXPECT_EQ(rowFor(id)->state, store::kSent);
  EXPECT_EQ(rowFor(id)->attempts, 3);
}

TEST_F(SupervisionTest, ASinkProgrammingErrorIsADeadLetterWithItsReasonNotEndlessRetries) {
  sink_->logicError = true;
  const int64_t id = submitOne(patientJson("p6")).messageId;
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  EXPECT_EQ(rowFor(id)->state, store::kDead);
  EXPECT_NE(rowFor(id)->lastError.find("programming error"), std::string::npos) << rowFor(id)->lastError;
  EXPECT_NE(rowFor(id)->lastError.find("sink bug: vector index out of range"), std::string::npos);
  advance(3'600'000);
  EXPECT_EQ(pipeline_->deliverOnce(), 0) << "a dead letter is not tried again by itself";
  EXPECT_EQ(rowFor(id)->attempts, 1);
}

TEST_F(SupervisionTest, TheRowsClaimedTogetherReachTheirSinkAsOneBatch) {
  const int64_t a = submitOne(patientJson("a1")).messageId;
  const int64_t b = submitOne(patientJson("b2"), "b.json").messageId;
  const int64_t c = submitOne(patientJson("c3"), "c.json").messageId;
  EXPECT_EQ(pipeline_->deliverOnce(), 3);
  EXPECT_EQ(sink_->batchSizes, std::vector<std::size_t>{3});
  for (int64_t id : {a, b, c}) EXPECT_EQ(rowFor(id)->state, store::kSent);
}

TEST_F(SupervisionTest, ABatchThatThrowsIsDeliveredOneByOneAndOnlyTheThrowingRequestFails) {
  const int64_t good = submitOne(patientJson("fine")).messageId;
  const int64_t bad = submitOne(patientJson("explodes"), "bad.json").messageId;
  const int64_t later = submitOne(patientJson("later"), "later.json").messageId;
  EXPECT_EQ(pipeline_->deliverOnce(), 3);
  EXPECT_EQ(rowFor(good)->state, store::kSent);
  EXPECT_EQ(rowFor(later)->state, store::kSent);
  EXPECT_EQ(rowFor(bad)->state, store::kRetrying);
  EXPECT_NE(rowFor(bad)->lastError.find("the sink failed (exception: cannot render this one)"), std::string::npos)
      << rowFor(bad)->lastError;
  EXPECT_EQ(sink_->delivered.load(), 3) << "the first request again (same idempotency key), then the last";
}

TEST_F(SupervisionTest, AResultTheStoreRefusesForGoodMakesThatDeliveryDeadAndTheRestSent) {
  const int64_t good = submitOne(patientJson("fine")).messageId;
  const int64_t bad = submitOne(patientJson("toxic"), "bad.json").messageId;
  EXPECT_EQ(pipeline_->deliverOnce(), 2);
  EXPECT_EQ(rowFor(good)->state, store::kSent);
  EXPECT_EQ(rowFor(bad)->state, store::kDead);
  EXPECT_NE(rowFor(bad)->lastError.find("the attempt ended SENT but its result could not be stored"),
            std::string::npos) << rowFor(bad)->lastError;
}

TEST_F(SupervisionTest, AnInputTheStoreRefusesForGoodIsKeptAsAFailedMessageWithItsReason) {
  auto results = pipeline_->submit({{"inbox", "clinic", "good.json", "", patientJson("fine")},
                                    {"inbox", "clinic", "bad.json", "", patientJson("poison-patient")}});
  ASSERT_EQ(results.size(), 2u);
  ASSERT_TRUE(results[0].committed.ok()) << results[0].committed.toString();
  EXPECT_EQ(results[0].state, store::kRouted) << "the rest of the batch is not held back";
  ASSERT_TRUE(results[1].committed.ok()) << results[1].committed.toString();
  EXPECT_EQ(results[1].state, store::kFailed);
  EXPECT_NE(results[1].error.find("could not be stored"), std::string::npos) << results[1].error;
  EXPECT_EQ(store_->message(results[1].messageId).value()->state, store::kFailed);
}

TEST_F(SupervisionTest, ARoutingOutcomeTheStoreRefusesForGoodMakesThatMessageFailed) {
  auto received = store_->intake({{"inbox", "clinic", "good.json", "", patientJson("fine")},
                                  {"inbox", "clinic", "bad.json", "", patientJson("poison-patient")}},
                                 now());
  ASSERT_TRUE(received.ok());
  EXPECT_EQ(pipeline_->processReceivedOnce(), 2);
  EXPECT_EQ(store_->message(received.value()[0].messageId).value()->state, store::kRouted);
  auto bad = store_->message(received.value()[1].messageId).value();
  EXPECT_EQ(bad->state, store::kFailed);
  EXPECT_NE(bad->error.find("the routing outcome could not be stored"), std::string::npos) << bad->error;
  EXPECT_EQ(pipeline_->processReceivedOnce(), 0) << "nothing left to retry";
}

TEST(SupervisedLoop, ARoundThatThrowsIsRestartedWithGrowingBackoffAndReported) {
  auto health = std::make_shared<HealthRegistry>();
  std::atomic<int> rounds{0};
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> times;
  SupervisedLoop loop("test:loop", health, [&]() -> Status {
    {
      std::lock_guard lock(mutex);
      times.push_back(std::chrono::steady_clock::now());
    }
    const int n = ++rounds;
    if (n <= 3) throw std::runtime_error("round " + std::to_string(n) + " failed");
    if (n == 4) return Status::unavailable("round 4 failed");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Status::okStatus();
  }, Backoff{20, 1000});
  loop.start();
  for (int waited = 0; waited < 5000 && rounds < 6; waited += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  loop.stop();
  ASSERT_GE(rounds, 6);
  const ComponentHealth c = health->snapshot().at("test:loop");
  EXPECT_EQ(c.failures, 4);
  EXPECT_EQ(c.consecutiveFailures, 0);
  EXPECT_EQ(c.state, kComponentStopped);
  EXPECT_EQ(c.lastError, "Unavailable: round 4 failed");
  std::lock_guard lock(mutex);
  EXPECT_GE(times[1] - times[0], std::chrono::milliseconds(20));
  EXPECT_GE(times[3] - times[2], std::chrono::milliseconds(80)) << "the backoff doubles";
}

TEST(SupervisedLoop, BackoffDoublesUpToItsCap) {
  Backoff b;
  EXPECT_EQ(b.delayMs(1), 100);
  EXPECT_EQ(b.delayMs(2), 200);
  EXPECT_EQ(b.delayMs(4), 800);
  EXPECT_EQ(b.delayMs(10), 5000);
  EXPECT_EQ(b.delayMs(1000), 5000);
}

}  // namespace
}  // namespace renkei::test

// The fhir_rest sink against a real in-process HTTP server (POCO), through the pipeline and the
// store: transient failures are retried with backoff, permanent ones dead-lettered with the
// receiver's body, a hanging receiver times out and is retried, Retry-After is honoured.
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "pipeline/pipeline_fixture.h"
#include "sink_fhir_rest/fhir_rest_sink.h"
#include "renkei/pipeline/deletion.h"
#include "renkei/pipeline/write_intent.h"

namespace renkei::test {
namespace {

struct Scripted {
  int status = 200;
  std::string body;
  int delayMs = 0;
  std::string retryAfter;
};

/// Answers each request with the next scripted response (200 when the script is empty) and
/// records what it received.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<Scripted> script) : script_(std::move(script)) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~ScriptedServer() { server_->stopAll(true); }
  int port() const { return port_; }
  std::vector<std::pair<std::string, std::string>> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::string authorization() {
    std::lock_guard lock(mutex_);
    return authorization_;
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(ScriptedServer& s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& res) override {
      std::string body;
      Poco::StreamCopier::copyToString(req.stream(), body);
      Scripted next;
      {
        std::lock_guard lock(s_.mutex_);
        s_.received_.emplace_back(req.get("Idempotency-Key", ""), body);
        s_.authorization_ = req.get("Authorization", "");
        if (!s_.script_.empty()) {
          next = s_.script_.front();
          s_.script_.pop_front();
        }
      }
      if (next.delayMs) std::this_thread::sleep_for(std::chrono::milliseconds(next.delayMs));
      res.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(next.status));
      if (!next.retryAfter.empty()) res.set("Retry-After", next.retryAfter);
      res.setContentLength(static_cast<std::streamsize>(next.body.size()));
      res.send() << next.body;
    }

   private:
    ScriptedServer& s_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(ScriptedServer& s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler(s_);
    }

   private:
    ScriptedServer& s_;
  };

  std::mutex mutex_;
  std::deque<Scripted> script_;
  std::vector<std::pair<std::string, std::string>> received_;
  std::string authorization_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

class FhirRestSinkTest : public PipelineFixture {
 protected:
  void buildFor(const ScriptedServer& server, int timeoutMs = 5000) {
    build(R"({"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:)" +
              std::to_string(server.port()) + R"(/fhir", "timeout_ms": )" +
              std::to_string(timeoutMs) + "}}",
          "hospital");
  }
};

TEST_F(FhirRestSinkTest, TwoServerErrorsThenSuccessIsDeliveredAfterTwoRetries) {
  ScriptedServer server({{500, "", 0, ""}, {500, "", 0, ""}, {200, "{}", 0, ""}});
  buildFor(server);
  submitOne(patientJson("p1"));
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kRetrying);
  EXPECT_EQ(row.lastError, "HTTP 500");
  EXPECT_GE(row.nextAttemptMs, now() + 800);
  EXPECT_LE(row.nextAttemptMs, now() + 1200) << "first backoff is 1 s ± 20%";
  EXPECT_EQ(pipeline_->deliverOnce(), 0) << "not due yet";

  advance(1300);
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  row = onlyRow();
  EXPECT_EQ(row.state, store::kRetrying);
  EXPECT_GE(row.nextAttemptMs, now() + 1600) << "second backoff is 2 s ± 20%";

  advance(2500);
  EXPECT_EQ(pipeline_->deliverOnce(), 1);
  row = onlyRow();
  EXPECT_EQ(row.state, store::kSent);
  EXPECT_EQ(row.attempts, 3);
  auto received = server.received();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].first, row.idempotencyKey);
  EXPECT_EQ(received[2].first, row.idempotencyKey);
  EXPECT_EQ(received[0].second, received[2].second) << "every attempt sends the same bytes";
  EXPECT_NE(received[0].second.find("\"type\":\"transaction\""), std::string::npos);
  EXPECT_NE(received[0].second.find("\"method\":\"PUT\""), std::string::npos);
}

TEST_F(FhirRestSinkTest, ForbiddenIsADeadLetterWithTheReceiversBody) {
  const std::string outcome = R"({"resourceType":"OperationOutcome","issue":[{"code":"forbidden"}]})";
  ScriptedServer server({{403, outcome, 0, ""}});
  buildFor(server);
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kDead);
  EXPECT_EQ(row.lastError, "HTTP 403");
  EXPECT_EQ(row.responseBody, outcome);
  advance(3'600'000);
  EXPECT_EQ(pipeline_->deliverOnce(), 0) << "a dead letter is not retried by itself";
  ASSERT_TRUE(store_->retryNow(row.id, now()).value());
  EXPECT_EQ(pipeline_->deliverOnce(), 1) << "an operator's retry sends it again";
  EXPECT_EQ(onlyRow().state, store::kSent);
}

TEST_F(FhirRestSinkTest, NotImplementedIsPermanentButTooManyRequestsHonoursRetryAfter) {
  ScriptedServer server({{429, "", 0, "7"}, {501, "", 0, ""}});
  buildFor(server);
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kRetrying);
  EXPECT_EQ(row.nextAttemptMs, now() + 7000) << "Retry-After: 7";
  advance(7000);
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kDead) << "501 will not get better by retrying";
}

TEST_F(FhirRestSinkTest, AHangingReceiverTimesOutAndIsRetried) {
  ScriptedServer server({{200, "", 1500, ""}, {200, "", 0, ""}});
  buildFor(server, 200);
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kRetrying);
  EXPECT_NE(row.lastError.find("timeout"), std::string::npos) << row.lastError;
  advance(2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(1400));  // let the slow handler finish
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kSent);
}

TEST_F(FhirRestSinkTest, PutModeSendsTheResourceUnderItsDeterministicIdWithTheBearerToken) {
  ScriptedServer server({});
  const std::string tokenFile = (dir_.path() / "token").string();
  {
    std::ofstream(tokenFile) << "s3cret-token\n";
  }
  build(R"({"hospital": {"type": "fhir_rest", "mode": "put", "bearer_token_file": ")" + tokenFile +
            R"(", "base_url": "http://127.0.0.1:)" + std::to_string(server.port()) + R"(/fhir"}})",
        "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kSent);
  EXPECT_EQ(server.authorization(), "Bearer s3cret-token");
  auto received = server.received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_NE(received[0].second.find("\"resourceType\":\"Patient\""), std::string::npos);
  EXPECT_NE(received[0].second.find("\"id\":\"rk"), std::string::npos) << received[0].second;
}

TEST_F(FhirRestSinkTest, ADeletionReachesTheReceiverAsADeleteOfTheIdItsUpdatesHad) {
  ScriptedServer server({});
  buildFor(server);
  auto write = [&](const std::string& key, const std::string& body, pipeline::WriteIntent intent) {
    intent.keepResources = true;
    auto r = pipeline_->submit({{"api", "clinic", "Patient.json", key, body,
                                 pipeline::encodeWriteIntent(intent)}});
    EXPECT_TRUE(r[0].committed.ok());
    EXPECT_NE(r[0].state, store::kFailed) << r[0].error;
    pipeline_->deliverOnce();
  };
  pipeline::WriteIntent update;
  update.updateType = "Patient";
  update.updateId = "home-1";
  std::string patient = patientJson("home-1");
  write("put-1", patient, update);
  pipeline::WriteIntent deletion = update;
  deletion.deletion = true;
  write("delete-1", pipeline::deletionBundle("Patient", "home-1"), deletion);
  auto received = server.received();
  ASSERT_EQ(received.size(), 2u) << "the deletion follows the resource to where it went";
  const std::string id = pipeline::deterministicId(adapters::senderNamespace("clinic"), "Patient/home-1");
  EXPECT_NE(received[0].second.find(R"("method":"PUT","url":"Patient/)" + id + "\""), std::string::npos)
      << received[0].second;
  EXPECT_NE(received[1].second.find(R"({"request":{"method":"DELETE","url":"Patient/)" + id + "\"}}"),
            std::string::npos)
      << received[1].second;

  // A resource the server named: its receiver's id came from the delivery that carried it.
  auto created = pipeline_->submit({{"api", "clinic", "Patient.json", "post-1", patientJson("p2"),
                                     pipeline::encodeWriteIntent({true})}})[0];
  pipeline_->deliverOnce();
  ASSERT_EQ(created.resources.size(), 1u);
  pipeline::WriteIntent serverNamed;
  serverNamed.updateType = "Patient";
  serverNamed.updateId = created.resources[0].id;
  serverNamed.deletion = true;
  write("delete-2", pipeline::deletionBundle("Patient", serverNamed.updateId), serverNamed);
  auto rows = store_->outbox({}).value();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].state, store::kDead);
  EXPECT_NE(rows[3].lastError.find("delete it there by hand"), std::string::npos) << rows[3].lastError;
}

TEST_F(FhirRestSinkTest, ARefusedConnectionIsRetried) {
  int port = 0;
  {
    ScriptedServer gone({});
    port = gone.port();
  }
  build(R"({"hospital": {"type": "fhir_rest", "base_url": "http://127.0.0.1:)" +
            std::to_string(port) + R"(/fhir", "timeout_ms": 500}})",
        "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kRetrying);
  EXPECT_NE(onlyRow().lastError.find("network"), std::string::npos) << onlyRow().lastError;
}

}  // namespace
}  // namespace renkei::test

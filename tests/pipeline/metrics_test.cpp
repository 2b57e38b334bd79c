// What /metrics and /healthz tell an operator: invalid inputs count as failed (not accepted),
// an idle pipeline commits nothing (its loops poll with a read), the build's version, commit and
// store schema are shown, the admin endpoint answers true reason phrases, and a second server
// cannot bind the admin port of the first.
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include "pipeline/pipeline_fixture.h"
#include "renkei/core/build_info.h"
#include "server/admin_server.h"

namespace renkei::test {
namespace {

class MetricsTest : public PipelineFixture {
 protected:
  void SetUp() override {
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
  }
  void TearDown() override { pipeline_->stop(); }

  struct Answer {
    int status = 0;
    std::string reason, body;
  };
  static Answer get(int port, const std::string& path, const std::string& method = "GET") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentLength(0);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Answer a;
    a.status = static_cast<int>(response.getStatus());
    a.reason = response.getReason();
    Poco::StreamCopier::copyToString(in, a.body);
    return a;
  }
  std::string metrics() const { return metrics_->render({}, 0); }
};

TEST_F(MetricsTest, InvalidInputsCountAsFailedApartFromAcceptedAndDuplicates) {
  EXPECT_EQ(submitOne(patientJson("p1")).state, store::kRouted);
  EXPECT_TRUE(submitOne(patientJson("p1")).duplicate);
  EXPECT_EQ(submitOne(R"({"resourceType":"Patient","birthDate":"yesterday"})", "bad.json").state,
            store::kFailed);
  EXPECT_EQ(submitOne("not json at all", "worse.json").state, store::kFailed);
  const std::string text = metrics();
  for (const char* line : {R"(renkei_intake_total{source="inbox",result="accepted"} 1)",
                           R"(renkei_intake_total{source="inbox",result="duplicate"} 1)",
                           R"(renkei_intake_total{source="inbox",result="failed"} 2)"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " in:\n" << text;
  }
}

TEST_F(MetricsTest, AnIdlePipelineCommitsNothing) {
  submitOne(patientJson("p1"));
  pipeline_->start();
  for (int waited = 0; waited < 5000 && onlyRow().state != store::kSent; waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(onlyRow().state, store::kSent) << "work is committed as before";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int64_t before = store_->commitCount();
  // The router and two delivery workers poll every 50 ms: some 24 rounds with nothing to do.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(store_->commitCount(), before) << "an idle poll is a read, not a transaction";
}

TEST_F(MetricsTest, TheAdminEndpointShowsTheBuildAndAnswersTrueReasonPhrases) {
  server::AdminServer admin(store_, metrics_);
  ASSERT_TRUE(admin.start("127.0.0.1:0").ok());
  const Answer m = get(admin.port(), "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.reason, "OK");
  const std::string buildInfo = "renkei_build_info{version=\"" + std::string(buildVersion()) +
                                "\",commit=\"" + std::string(buildCommit()) + "\",store_schema=\"" +
                                std::to_string(store::latestSchemaVersion()) + "\"} 1\n";
  EXPECT_NE(m.body.find(buildInfo), std::string::npos) << m.body;
  EXPECT_NE(buildCommit(), "") << "a commit, or \"unknown\"";

  const Answer h = get(admin.port(), "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_NE(h.body.find("\"version\":\"" + std::string(buildVersion()) + "\""), std::string::npos)
      << h.body;
  EXPECT_NE(h.body.find("\"commit\":\"" + std::string(buildCommit()) + "\""), std::string::npos);
  EXPECT_NE(h.body.find("\"store_schema\":" + std::to_string(store::latestSchemaVersion())),
            std::string::npos)
      << h.body;

  const Answer missing = get(admin.port(), "/nothing-here");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.reason, "Not Found") << "not \"404 OK\"";
  const Answer posted = get(admin.port(), "/metrics", "POST");
  EXPECT_EQ(posted.status, 405);
  EXPECT_EQ(posted.reason, "Method Not Allowed");
  admin.stop();
}

TEST(MetricsNotifications, NotificationsAreGaugedPerDestinationAndStateWhenThereAreAny) {
  pipeline::Metrics metrics;
  EXPECT_EQ(metrics.renderNotifications({}), "") << "nothing to say without notifications";
  const std::string out = metrics.renderNotifications(
      {{"clinic-b-fhir", store::kEscalated, 2, 1000}, {"ward \"b\"", store::kInDigest, 30, 900}});
  EXPECT_NE(out.find("# TYPE renkei_notifications gauge\n"), std::string::npos) << out;
  EXPECT_NE(out.find("renkei_notifications{destination=\"clinic-b-fhir\",state=\"ESCALATED\"} 2\n"),
            std::string::npos) << out;
  EXPECT_NE(out.find("renkei_notifications{destination=\"ward \\\"b\\\"\",state=\"DIGEST\"} 30\n"),
            std::string::npos) << out;
}

TEST_F(MetricsTest, ASecondAdminEndpointCannotBindTheSamePort) {
  server::AdminServer first(store_, metrics_);
  ASSERT_TRUE(first.start("127.0.0.1:0").ok());
  server::AdminServer second(store_, metrics_);
  const Status st = second.start("127.0.0.1:" + std::to_string(first.port()));
  EXPECT_FALSE(st.ok()) << "with SO_REUSEPORT both would listen and share the scrapes";
  EXPECT_NE(st.message().find("admin endpoint 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << st.message();
  first.stop();
}

}  // namespace
}  // namespace renkei::test

// Updates through the FHIR API: PUT with client ids, versions, ETag and If-Match (412 decided in
// the commit, so parallel writers cannot both win), conditional update, conditional create that
// finds resources however they were written, and PUT entries in transactions and batches.
#include <algorithm>
#include <atomic>
#include <thread>

#include "pipeline/fhir_api_fixture.h"
#include "store/store_backends.h"

namespace renkei::test {
namespace {

class FhirApiUpdateTest : public FhirApiTest {
 protected:
  static ApiRequest put(const std::string& path, const std::string& body,
                        const std::string& ifMatch = "", const std::string& token = "token-a") {
    ApiRequest r = post(path, body, token);
    r.method = "PUT";
    const std::size_t q = path.find('?');
    if (q != std::string::npos) {
      r.path = path.substr(0, q);
      r.query = path.substr(q + 1);
    }
    if (!ifMatch.empty()) r.headers["if-match"] = ifMatch;
    return r;
  }
  static std::string patient(const std::string& id, const std::string& family) {
    return R"({"resourceType":"Patient",)" + (id.empty() ? "" : R"("id":")" + id + "\",") +
           R"("identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":"u-1"}],)"
           R"("name":[{"family":")" + family + R"("}],"gender":"female"})";
  }
};

TEST_F(FhirApiUpdateTest, PutCreatesThenMakesNewVersionsCheckedByIfMatch) {
  ApiResponse created = api_->handle(put("/fhir/Patient/home-1", patient("home-1", "連携")));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers["ETag"], "W/\"1\"");
  EXPECT_EQ(created.headers["Location"], "/fhir/Patient/home-1/_history/1");
  EXPECT_NE(created.body.find("\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\""), std::string::npos)
      << created.body;

  ApiResponse updated = api_->handle(put("/fhir/Patient/home-1", patient("home-1", "山田")));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.headers["ETag"], "W/\"2\"");
  ApiResponse unchanged = api_->handle(put("/fhir/Patient/home-1", patient("home-1", "山田")));
  EXPECT_EQ(unchanged.status, 200);
  EXPECT_EQ(unchanged.headers["ETag"], "W/\"2\"") << "the same content again makes no version";

  ApiResponse stale = api_->handle(put("/fhir/Patient/home-1", patient("home-1", "佐藤"), "W/\"1\""));
  EXPECT_EQ(stale.status, 412);
  EXPECT_NE(stale.body.find("\"code\":\"conflict\""), std::string::npos) << stale.body;
  ApiResponse current = api_->handle(put("/fhir/Patient/home-1", patient("home-1", "佐藤"), "W/\"2\""));
  EXPECT_EQ(current.status, 200);
  EXPECT_EQ(current.headers["ETag"], "W/\"3\"");

  ApiResponse read = api_->handle(get("/fhir/Patient/home-1", "token-a"));
  EXPECT_EQ(read.headers["ETag"], "W/\"3\"");
  EXPECT_NE(read.body.find("佐藤"), std::string::npos);
  EXPECT_FALSE(read.headers["Last-Modified"].empty());
  ApiResponse first = api_->handle(get("/fhir/Patient/home-1/_history/1", "token-a"));
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("連携"), std::string::npos) << "vread returns the old version";
  EXPECT_NE(first.body.find("\"versionId\":\"1\""), std::string::npos);

  ApiResponse history = api_->handle(get("/fhir/Patient/home-1/_history", "token-a"));
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_NE(history.body.find(R"("type":"history","total":3)"), std::string::npos) << history.body;
  const std::size_t v3 = history.body.find(R"("etag":"W/\"3\"")");
  const std::size_t v1 = history.body.find(R"("status":"201 Created","etag":"W/\"1\"")");
  EXPECT_NE(v3, std::string::npos);
  EXPECT_NE(v1, std::string::npos);
  EXPECT_LT(v3, v1) << "newest first";
  EXPECT_NE(history.body.find(R"("request":{"method":"PUT","url":"Patient/home-1"})"), std::string::npos);
  EXPECT_LT(history.body.find("佐藤"), history.body.find("連携"));
  EXPECT_EQ(api_->handle(get("/fhir/Patient/nobody/_history", "token-a")).status, 404);

  // Every accepted write entered the pipeline and was routed (the unchanged one too: the
  // sender meant it); the refused one was not.
  EXPECT_EQ(messages(), 4u);
}

TEST_F(FhirApiUpdateTest, PutRefusesWhatDoesNotAddUp) {
  EXPECT_EQ(api_->handle(put("/fhir/Patient/a", patient("b", "x"))).status, 400) << "ids differ";
  EXPECT_EQ(api_->handle(put("/fhir/Patient/a", patient("", "x"))).status, 400) << "no id";
  EXPECT_EQ(api_->handle(put("/fhir/Patient/a", patient("a", "x"), "soon")).status, 400);
  EXPECT_EQ(api_->handle(put("/fhir/Patient/a", patient("a", "x"), "W/\"4\"")).status, 412)
      << "If-Match on a resource that does not exist";
  EXPECT_EQ(api_->handle(put("/fhir/Patient", patient("a", "x"))).status, 405);
  EXPECT_EQ(api_->handle(put("/fhir/Patient/a", patient("a", "x"), "", "token-b")).status, 403);
}

TEST_F(FhirApiUpdateTest, EachOrganizationHasItsOwnIdSpace) {
  ASSERT_EQ(api_->handle(put("/fhir/Patient/shared-id", patient("shared-id", "連携"))).status, 201);
  clients_.Parse((R"([{"id": "other", "organization": "org-z", "token_sha256": ")" +
                  sha256Hex("token-z") + R"(", "scopes": ["system/*.*"]}])").c_str());
  auto other = makeApi(pipeline_.get());
  ApiResponse theirs = other->handle(put("/fhir/Patient/shared-id", patient("shared-id", "山田"),
                                         "", "token-z"));
  EXPECT_EQ(theirs.status, 201) << "a different organization's id does not collide";
  ApiResponse mine = api_->handle(get("/fhir/Patient/shared-id", "token-a"));
  EXPECT_EQ(mine.headers["ETag"], "W/\"1\"");
  EXPECT_NE(mine.body.find("連携"), std::string::npos);
  ApiResponse myHistory = api_->handle(get("/fhir/Patient/shared-id/_history", "token-a"));
  EXPECT_NE(myHistory.body.find(R"("total":1)"), std::string::npos) << myHistory.body;
  EXPECT_EQ(myHistory.body.find("山田"), std::string::npos) << "another organization's versions stay theirs";
}

TEST_F(FhirApiUpdateTest, ConditionalUpdateCreatesOnceThenUpdatesAndRefusesSeveralMatches) {
  const std::string url = "/fhir/Patient?identifier=urn:oid:1.2.392.100495.20.3.51.11312345678|u-1";
  ApiResponse created = api_->handle(put(url, patient("", "連携")));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string location = created.headers["Location"];
  ApiResponse updated = api_->handle(put(url, patient("", "山田")));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.headers["Location"].substr(0, location.size() - 1),
            location.substr(0, location.size() - 1))
      << "the same resource, a new version";
  EXPECT_EQ(updated.headers["ETag"], "W/\"2\"");

  ApiRequest second = post("/fhir/Patient", patient("", "佐藤"));
  ASSERT_EQ(api_->handle(second).status, 201);
  ApiResponse ambiguous = api_->handle(put(url, patient("", "鈴木")));
  EXPECT_EQ(ambiguous.status, 412);
  EXPECT_NE(ambiguous.body.find("multiple-matches"), std::string::npos);
}

TEST_F(FhirApiUpdateTest, ConditionalCreateFindsAResourceHoweverItWasWritten) {
  ASSERT_EQ(api_->handle(put("/fhir/Patient/plain", patient("plain", "連携"))).status, 201);
  ApiRequest conditional = post("/fhir/Patient", patient("", "別人"));
  conditional.headers["if-none-exist"] =
      "identifier=urn:oid:1.2.392.100495.20.3.51.11312345678|u-1";
  ApiResponse found = api_->handle(conditional);
  EXPECT_EQ(found.status, 200);
  EXPECT_NE(found.body.find("\"id\":\"plain\""), std::string::npos) << found.body;
  EXPECT_EQ(messages(), 1u) << "nothing new was written";
  conditional.headers["if-none-exist"] = "nonsense=1";
  EXPECT_EQ(api_->handle(conditional).status, 400);
}

TEST_F(FhirApiUpdateTest, TransactionAndBatchEntriesMayPutByIdWithIfMatch) {
  auto transaction = [](const std::string& family, const std::string& ifMatch) {
    return R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:6b1c3c0e-6d59-4c2b-9d3b-1f1e8f0a0001","resource":)" +
           patient("tx-1", family) + R"(,"request":{"method":"PUT","url":"Patient/tx-1")" +
           (ifMatch.empty() ? "" : R"(,"ifMatch":")" + ifMatch + "\"") + "}}]}";
  };
  ApiResponse first = api_->handle(post("/fhir", transaction("連携", "")));
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_NE(first.body.find(R"("status":"201 Created","location":"Patient/tx-1/_history/1")"),
            std::string::npos) << first.body;
  ApiResponse second = api_->handle(post("/fhir", transaction("山田", "W/\\\"1\\\"")));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_NE(second.body.find(R"("status":"200 OK","location":"Patient/tx-1/_history/2")"),
            std::string::npos) << second.body;
  EXPECT_EQ(api_->handle(post("/fhir", transaction("佐藤", "W/\\\"1\\\""))).status, 412)
      << "the whole transaction fails on a stale entry";

  const std::string batch =
      R"({"resourceType":"Bundle","type":"batch","entry":[{"resource":)" + patient("tx-1", "鈴木") +
      R"(,"request":{"method":"PUT","url":"Patient/tx-1","ifMatch":"W/\"2\""}},{"resource":)" +
      patient("tx-1", "田中") + R"(,"request":{"method":"PUT","url":"Patient/tx-1","ifMatch":"W/\"1\""}}]})";
  ApiResponse b = api_->handle(post("/fhir", batch));
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_NE(b.body.find(R"({"status":"200","location":"Patient/tx-1/_history/3"})"), std::string::npos)
      << b.body;
  EXPECT_NE(b.body.find(R"("status":"412")"), std::string::npos) << "the stale entry alone fails";
}

/// `n` PUTs of different content with the same If-Match, sent at once; returns their statuses.
std::vector<int> parallelUpdates(const std::vector<fhir_api::FhirApi*>& apis, int n,
                                 const std::string& ifMatch) {
  std::vector<ApiRequest> requests;
  for (int i = 0; i < n; ++i) {
    ApiRequest r = post(
        "/fhir/Patient/race",
        R"({"resourceType":"Patient","id":"race","name":[{"family":"writer)" + std::to_string(i) + R"("}]})");
    r.method = "PUT";
    r.headers["if-match"] = ifMatch;
    requests.push_back(std::move(r));
  }
  return sendTogether(apis, requests);
}

TEST_F(FhirApiUpdateTest, ParallelUpdatesWithOneIfMatchLetExactlyOneWinOnSqlite) {
  ASSERT_EQ(api_->handle(put("/fhir/Patient/race", R"({"resourceType":"Patient","id":"race"})")).status, 201);
  const auto statuses = parallelUpdates({api_.get()}, 20, "W/\"1\"");
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), 19);
  EXPECT_EQ(api_->handle(get("/fhir/Patient/race", "token-a")).headers["ETag"], "W/\"2\"");
}

TEST_F(FhirApiUpdateTest, ParallelUpdatesWithOneIfMatchLetExactlyOneWinOnPostgres) {
  std::string why;
  auto g = twoGatewaysOnPostgres(why);
  if (!g) GTEST_SKIP() << why;
  ASSERT_EQ(g->apiA->handle(put("/fhir/Patient/race", R"({"resourceType":"Patient","id":"race"})")).status, 201);
  const auto statuses = parallelUpdates({g->apiA.get(), g->apiB.get()}, 20, "W/\"1\"");
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), 19);
  auto current = g->storeB->resource("Patient", "race", {"org-a"}, 0).value();
  ASSERT_TRUE(current.has_value());
  EXPECT_EQ(current->version, 2);
}

}  // namespace
}  // namespace renkei::test

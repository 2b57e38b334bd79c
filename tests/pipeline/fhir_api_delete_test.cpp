// DELETE over the FHIR API: recorded as a version (read answers 410, vread of the earlier
// version still works, history shows the deletion, search no longer finds it), refused for what
// is not the client's, checked against If-Match, and routed to where the resource went.
#include <gtest/gtest.h>

#include "pipeline/fhir_api_fixture.h"

namespace renkei::test {
namespace {

ApiRequest withMethod(ApiRequest r, const std::string& method) {
  r.method = method;
  return r;
}

ApiRequest del(const std::string& path, const std::string& token = "token-a") {
  return withMethod(get(path, token), "DELETE");
}

TEST_F(FhirApiTest, ADeletedResourceIsGoneButItsHistoryStays) {
  ASSERT_EQ(api_->handle(withMethod(post("/fhir/Patient/home-1", patientJson("home-1")), "PUT")).status, 201);
  ApiResponse deleted = api_->handle(del("/fhir/Patient/home-1"));
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.headers["ETag"], "W/\"2\"");

  ApiResponse gone = api_->handle(get("/fhir/Patient/home-1", "token-a"));
  EXPECT_EQ(gone.status, 410) << gone.body;
  EXPECT_EQ(api_->handle(get("/fhir/Patient/home-1/_history/1", "token-a")).status, 200);
  EXPECT_EQ(api_->handle(get("/fhir/Patient/home-1/_history/2", "token-a")).status, 410);
  ApiResponse history = api_->handle(get("/fhir/Patient/home-1/_history", "token-a"));
  ASSERT_EQ(history.status, 200);
  rapidjson::Document h;
  h.Parse(history.body.c_str());
  ASSERT_EQ(h["entry"].Size(), 2u);
  EXPECT_STREQ(h["entry"][0]["request"]["method"].GetString(), "DELETE");
  EXPECT_FALSE(h["entry"][0].HasMember("resource"));
  EXPECT_STREQ(h["entry"][1]["request"]["method"].GetString(), "POST");

  ApiRequest search = get("/fhir/Patient", "token-a");
  search.query = "identifier=home-1";
  EXPECT_NE(api_->handle(search).body.find("\"total\":0"), std::string::npos);
  search.query = "";
  EXPECT_NE(api_->handle(search).body.find("\"total\":0"), std::string::npos) << "not even unfiltered";

  EXPECT_EQ(api_->handle(del("/fhir/Patient/home-1")).status, 200) << "deleting again changes nothing";
  EXPECT_EQ(api_->handle(get("/fhir/Patient/home-1/_history", "token-a")).body.find("_history/3"),
            std::string::npos);
  EXPECT_EQ(api_->handle(withMethod(post("/fhir/Patient/home-1", patientJson("home-1")), "PUT")).status, 200)
      << "written again: version 3";
  EXPECT_EQ(api_->handle(get("/fhir/Patient/home-1", "token-a")).status, 200);
}

TEST_F(FhirApiTest, OnlyTheOwnersExistingResourceIsDeletedAndIfMatchHolds) {
  ASSERT_EQ(api_->handle(withMethod(post("/fhir/Patient/home-2", patientJson("home-2")), "PUT")).status, 201);
  EXPECT_EQ(api_->handle(del("/fhir/Patient/nobody")).status, 404);
  EXPECT_EQ(api_->handle(del("/fhir/Patient/home-2", "token-b")).status, 403) << "a reader may not delete";
  EXPECT_EQ(api_->handle(del("/fhir/Patient/home-2", "token-c")).status, 404)
      << "another organization's resource looks missing";
  ApiRequest stale = del("/fhir/Patient/home-2");
  stale.headers["if-match"] = "W/\"7\"";
  EXPECT_EQ(api_->handle(stale).status, 412);
  EXPECT_EQ(api_->handle(get("/fhir/Patient/home-2", "token-a")).status, 200) << "nothing deleted";
  ApiRequest current = del("/fhir/Patient/home-2");
  current.headers["if-match"] = "W/\"1\"";
  EXPECT_EQ(api_->handle(current).status, 200);
}

TEST_F(FhirApiTest, ADeletionFollowsTheResourceInItsOrderingLine) {
  ASSERT_EQ(api_->handle(withMethod(post("/fhir/Patient/home-3", patientJson("home-3")), "PUT")).status, 201);
  ASSERT_EQ(api_->handle(del("/fhir/Patient/home-3")).status, 200);
  auto rows = store_->outbox({}).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].destination, rows[0].destination);
  EXPECT_EQ(rows[1].orderingKey, rows[0].orderingKey) << "never before what it deletes";
  auto message = store_->message(rows[1].messageId).value();
  ASSERT_TRUE(message);
  EXPECT_NE(message->routing.find(R"("deletion":"Patient/home-3","followsTo":["out"],"cannotTell":[])"),
            std::string::npos)
      << message->routing;
}

}  // namespace
}  // namespace renkei::test

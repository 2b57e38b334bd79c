// The FHIR API behind the hospitals' endpoint, driven request by request over a real pipeline and
// store: authentication and scopes, acceptance only after commit, the status of every failure,
// $validate without storing, and conditional creates that never duplicate under concurrency —
// on SQLite and on PostgreSQL with two gateways sharing the store.
#include <atomic>
#include <cstdlib>
#include <optional>
#include <thread>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include "pipeline/fhir_api_fixture.h"
#include "renkei/core/digest.h"
#include "renkei/pipeline/group_commit_intake.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {


TEST_F(FhirApiTest, MetadataIsPublicAndSaysWhatIsImplemented) {
  ApiRequest r;
  r.method = "GET";
  r.path = "/fhir/metadata";
  ApiResponse res = api_->handle(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("\"resourceType\":\"CapabilityStatement\""), std::string::npos);
  EXPECT_NE(res.body.find("{\"type\":\"Patient\",\"interaction\":[{\"code\":\"create\"},{\"code\":\"update\"},{\"code\":\"delete\"},{\"code\":\"read\"},{\"code\":\"vread\"},{\"code\":\"history-instance\"},{\"code\":\"search-type\"}]"),
            std::string::npos);
  EXPECT_NE(res.body.find("{\"name\":\"birthdate\",\"type\":\"date\"}"), std::string::npos);
  EXPECT_NE(res.body.find("\"conditionalUpdate\":true"), std::string::npos);
  EXPECT_NE(res.body.find("\"conditionalDelete\":\"not-supported\""), std::string::npos);
  const std::string patient = res.body.substr(res.body.find("{\"type\":\"Patient\""));
  const std::string patientEntry = patient.substr(0, patient.find("{\"type\":", 1));
  EXPECT_NE(patientEntry.find("\"searchInclude\":[\"Patient:general-practitioner\",\"Patient:organization\"]"),
            std::string::npos);
  EXPECT_NE(patientEntry.find("\"CareTeam:patient\""), std::string::npos) << patientEntry;
}

TEST_F(FhirApiTest, ASubscriptionIsTakenOnlyWhereRenkeiCanServeIt) {
  const std::string subscription =
      R"({"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Encounter?status=finished",)"
      R"("channel":{"type":"rest-hook","endpoint":"https://hook.example.jp/a/1","payload":"application/fhir+json"}})";
  ApiResponse none = api_->handle(post("/fhir/Subscription", subscription));
  EXPECT_EQ(none.status, 422) << "no subscriptions section: none are served";
  EXPECT_NE(none.body.find("subscriptions.endpoints"), std::string::npos) << none.body;

  auto policy = std::make_shared<pipeline::SubscriptionPolicy>();
  policy->endpoints["org-a"] = {"https://hook.example.jp/a/"};
  api_->setSubscriptionPolicy(policy);
  EXPECT_EQ(api_->handle(post("/fhir/Subscription", subscription)).status, 201);
  std::string elsewhere = subscription;
  elsewhere.replace(elsewhere.find("hook.example.jp/a/1"), 19, "hook.example.jp/b/1");
  ApiResponse refused = api_->handle(post("/fhir/Subscription", elsewhere));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("not one the operator allows organization org-a"), std::string::npos)
      << refused.body;
  const std::string inBundle =
      R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)" + elsewhere +
      R"(,"request":{"method":"POST","url":"Subscription"}}]})";
  EXPECT_EQ(api_->handle(post("/fhir", inBundle)).status, 422) << "inside a transaction too";

  auto defs = coreDefinitions();
  fhir_api::FhirApi pushOnly("hospital", "/fhir", std::make_shared<const fhir_api::ApiClients>(clients_), defs,
                             fhirpath::makeValidator(defs), pipeline_.get(), store_, nullptr, false);
  pushOnly.setSubscriptionPolicy(policy);
  ApiResponse unkept = pushOnly.handle(post("/fhir/Subscription", subscription));
  EXPECT_EQ(unkept.status, 422);
  EXPECT_NE(unkept.body.find("keeps no resources"), std::string::npos) << unkept.body;
}

TEST_F(FhirApiTest, NoTokenOrAWrongOneIs401AndAMissingScopeIs403) {
  ApiResponse none = api_->handle(post("/fhir/Patient", patientJson("p1"), ""));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers["WWW-Authenticate"], "Bearer");
  EXPECT_EQ(api_->handle(post("/fhir/Patient", patientJson("p1"), "token-x")).status, 401);
  ApiResponse forbidden = api_->handle(post("/fhir/Patient", patientJson("p1"), "token-b"));
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_NE(forbidden.body.find("\"code\":\"forbidden\""), std::string::npos);
  EXPECT_EQ(messages(), 0u) << "nothing stored for a rejected client";
}

TEST_F(FhirApiTest, ACreateIsAnsweredAfterItIsCommittedAndRouted) {
  ApiResponse res = api_->handle(post("/fhir/Patient", patientJson("p1")));
  ASSERT_EQ(res.status, 201) << res.body;
  const int64_t id = std::stoll(res.headers["X-Renkei-Message"]);
  auto m = store_->message(id).value();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->state, store::kRouted);
  EXPECT_EQ(m->sender, "org-a");
  EXPECT_EQ(messages(), 1u);
  ApiResponse again = api_->handle(post("/fhir/Patient", patientJson("p1")));
  EXPECT_EQ(again.status, 200) << "a resent request is recognised";
  EXPECT_EQ(again.headers["X-Renkei-Message"], res.headers["X-Renkei-Message"]);
  EXPECT_EQ(messages(), 1u);
}

TEST_F(FhirApiTest, FailuresGetTheRightStatusAndAnOperationOutcome) {
  std::string invalid = patientJson("p1");
  invalid.replace(invalid.find("\"female\""), 8, "\"woman\"");
  ApiResponse unprocessable = api_->handle(post("/fhir/Patient", invalid));
  EXPECT_EQ(unprocessable.status, 422);
  EXPECT_NE(unprocessable.body.find("\"expression\":[\"Patient.gender\"]"), std::string::npos)
      << unprocessable.body;

  ApiResponse malformed = api_->handle(post("/fhir/Patient", "{\"resourceType\": \"Patient\",\n  \"id\": }"));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("operationoutcome-issue-line"), std::string::npos) << malformed.body;

  EXPECT_EQ(api_->handle(post("/fhir/Observation", patientJson("p1"))).status, 400) << "type mismatch";
  ApiRequest xmlAsText = post("/fhir/Patient", patientJson("p1"));
  xmlAsText.headers["content-type"] = "text/plain";
  EXPECT_EQ(api_->handle(xmlAsText).status, 415);
  EXPECT_EQ(api_->handle(post("/fhir/Unicorn", "{}")).status, 404);
  EXPECT_EQ(api_->handle(post("/other/Patient", "{}")).status, 404);
  ApiRequest search = post("/fhir/Patient/p1/$everything", "");
  search.method = "GET";
  EXPECT_EQ(api_->handle(search).status, 501);
  ApiRequest getBase = search;
  getBase.path = "/fhir";
  EXPECT_EQ(api_->handle(getBase).status, 405);
  EXPECT_EQ(api_->handle(post("/fhir", R"({"resourceType":"Bundle","type":"collection"})")).status,
            400) << "the base takes transaction and batch Bundles only";
}


TEST_F(FhirApiTest, ACreatedResourceCanBeReadByItsOrganizationOnly) {
  ApiResponse created = api_->handle(post("/fhir/Patient", patientJson("p1")));
  ASSERT_EQ(created.status, 201);
  const std::string location = created.headers["Location"];
  ASSERT_EQ(location.rfind("/fhir/Patient/m", 0), 0u) << location;
  ASSERT_EQ(location.substr(location.size() - 11), "/_history/1");
  const std::string path = location.substr(0, location.size() - 11);
  const std::string id = path.substr(path.rfind('/') + 1);

  ApiResponse read = api_->handle(get(path, "token-a"));
  EXPECT_EQ(read.status, 200);
  EXPECT_NE(read.body.find("\"id\":\"" + id + "\""), std::string::npos) << read.body;
  EXPECT_EQ(read.headers["ETag"], "W/\"1\"");
  EXPECT_EQ(api_->handle(get(location, "token-a")).status, 200) << "vread";
  EXPECT_EQ(api_->handle(get(path + "/_history/2", "token-a")).status, 404);
  EXPECT_EQ(api_->handle(get("/fhir/Patient/m999999999999-0", "token-a")).status, 404);
  ApiResponse other = api_->handle(get(path, "token-b"));
  EXPECT_EQ(other.status, 404) << "another organization's resource is not revealed, not even as 403";
  EXPECT_EQ(api_->handle(get(path, "token-c")).status, 403) << "no read scope";

  ApiResponse again = api_->handle(post("/fhir/Patient", patientJson("p1")));
  EXPECT_EQ(again.headers["Location"], location) << "a repeat names the same resource";
}

TEST_F(FhirApiTest, AnOrganizationAlsoReadsWhatWasRoutedToIt) {
  // org-b is the recipient behind destination "out", where every message is routed.
  auto api = makeApi(pipeline_.get(), {{"org-b", {"out"}}});
  ApiResponse created = api->handle(post("/fhir/Patient", patientJson("sent")));
  ASSERT_EQ(created.status, 201);
  const std::string location = created.headers["Location"];
  const std::string path = location.substr(0, location.size() - 11);
  ApiResponse sent = api->handle(get(path, "token-b"));
  EXPECT_EQ(sent.status, 200) << "routed to org-b's destination";
  ApiRequest search = get("/fhir/Patient", "token-b");
  search.query = "identifier=sent";
  EXPECT_NE(api->handle(search).body.find("\"total\":1"), std::string::npos);
  EXPECT_EQ(api_->handle(get(path, "token-b")).status, 404)
      << "without the recipients setting org-b was sent nothing";
}

TEST_F(FhirApiTest, CreateReturnsTheRepresentationUnlessPreferSaysOtherwise) {
  ApiResponse full = api_->handle(post("/fhir/Patient", patientJson("v1")));
  ASSERT_EQ(full.status, 201);
  EXPECT_NE(full.body.find("\"resourceType\":\"Patient\""), std::string::npos);
  EXPECT_NE(full.body.find("\"id\":\"m0"), std::string::npos) << "the server id, not the client's";
  EXPECT_EQ(full.headers["ETag"], "W/\"1\"");
  ApiRequest minimal = post("/fhir/Patient", patientJson("v2"));
  minimal.headers["prefer"] = "return=minimal";
  ApiResponse m = api_->handle(minimal);
  EXPECT_EQ(m.status, 201);
  EXPECT_TRUE(m.body.empty());
  EXPECT_FALSE(m.headers["Location"].empty());
  ApiRequest outcome = post("/fhir/Patient", patientJson("v3"));
  outcome.headers["prefer"] = "return=OperationOutcome";
  EXPECT_NE(api_->handle(outcome).body.find("OperationOutcome"), std::string::npos);
  ApiResponse repeat = api_->handle(post("/fhir/Patient", patientJson("v1")));
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.body, full.body) << "a repeat returns the resource it already made";
}

TEST_F(FhirApiTest, ABatchAnswersEachEntryOnItsOwn) {
  std::string invalid = patientJson("b2");
  invalid.replace(invalid.find("\"female\""), 8, "\"woman\"");
  const std::string body = R"({"resourceType":"Bundle","type":"batch","entry":[)"
      R"({"resource":)" + patientJson("b1") + R"(,"request":{"method":"POST","url":"Patient"}},)"
      R"({"resource":)" + invalid + R"(,"request":{"method":"POST","url":"Patient"}},)"
      R"({"resource":)" + patientJson("b3") + R"(,"request":{"method":"DELETE","url":"Patient/x"}},)"
      R"({"resource":)" + patientJson("b4") + R"(,"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=x|b4"}}]})";
  ApiResponse res = api_->handle(post("/fhir", body));
  ASSERT_EQ(res.status, 200) << res.body;
  rapidjson::Document d;
  d.Parse(res.body.c_str());
  ASSERT_STREQ(d["type"].GetString(), "batch-response");
  ASSERT_EQ(d["entry"].Size(), 4u);
  EXPECT_STREQ(d["entry"][0]["response"]["status"].GetString(), "201");
  EXPECT_STREQ(d["entry"][1]["response"]["status"].GetString(), "422");
  EXPECT_TRUE(d["entry"][1]["response"].HasMember("outcome"));
  EXPECT_STREQ(d["entry"][2]["response"]["status"].GetString(), "501");
  EXPECT_STREQ(d["entry"][3]["response"]["status"].GetString(), "201");
  const std::string location = d["entry"][0]["response"]["location"].GetString();
  EXPECT_EQ(api_->handle(get("/fhir/" + location, "token-a")).status, 200);
  ApiResponse again = api_->handle(post("/fhir", body));
  d.Parse(again.body.c_str());
  EXPECT_STREQ(d["entry"][3]["response"]["status"].GetString(), "200") << "its condition now matches";
}

TEST_F(FhirApiTest, APushOnlyEndpointKeepsNoResourceCopies) {
  auto defs = coreDefinitions();
  fhir_api::FhirApi pushOnly("hospital", "/fhir", std::make_shared<const fhir_api::ApiClients>(clients_),
                             defs, fhirpath::makeValidator(defs), pipeline_.get(), store_, nullptr,
                             false);
  ApiResponse created = pushOnly.handle(post("/fhir/Patient", patientJson("push")));
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.headers.count("Location"), 0u);
  EXPECT_EQ(messages(), 1u) << "still committed and routed";
  ApiRequest search = get("/fhir/Patient", "token-a");
  search.query = "gender=female";
  EXPECT_EQ(pushOnly.handle(search).status, 501);
  int64_t total = 0;
  EXPECT_TRUE(store_->search("Patient", {"org-a"}, {}, 10, 0, total)->empty());
}

TEST_F(FhirApiTest, XmlIsSpokenBothWays) {
  ApiRequest xml = post("/fhir/Patient",
                        R"(<Patient xmlns="http://hl7.org/fhir"><gender value="male"/>)"
                        R"(<birthDate value="1950-01-01"/></Patient>)");
  xml.headers["content-type"] = "application/fhir+xml";
  xml.headers["accept"] = "application/fhir+xml";
  ApiResponse created = api_->handle(xml);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.contentType, "application/fhir+xml; charset=utf-8");
  EXPECT_NE(created.body.find("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"m0"), std::string::npos)
      << created.body;
  const std::string location = created.headers["Location"];
  ApiRequest read = get(location.substr(0, location.find("/_history")), "token-a");
  read.query = "_format=xml";
  EXPECT_NE(api_->handle(read).body.find("<gender value=\"male\"/>"), std::string::npos);
  read.query = "";
  EXPECT_EQ(api_->handle(read).contentType, "application/fhir+json; charset=utf-8");
}

TEST_F(FhirApiTest, ATransactionAnswersWithLocationsAndRewrittenReferences) {
  const std::string patient = R"({"fullUrl":"urn:uuid:5b8c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4","resource":)" +
                              patientJson("t1") + R"(,"request":{"method":"POST","url":"Patient"}})";
  const std::string observation = R"({"fullUrl":"urn:uuid:6c9dae2f-3a4b-4c5d-9e7f-8091a2b3c4d5","resource":)"
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},)"
      R"("subject":{"reference":"urn:uuid:5b8c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"},"valueQuantity":{"value":72,"unit":"/min",)"
      R"("system":"http://unitsofmeasure.org","code":"/min"}},"request":{"method":"POST","url":"Observation"}})";
  ApiResponse tx = api_->handle(post("/fhir", R"({"resourceType":"Bundle","type":"transaction","entry":[)" +
                                                  patient + "," + observation + "]}"));
  ASSERT_EQ(tx.status, 201) << tx.body;
  rapidjson::Document bundle;
  bundle.Parse(tx.body.c_str());
  ASSERT_STREQ(bundle["type"].GetString(), "transaction-response");
  ASSERT_EQ(bundle["entry"].Size(), 2u);
  EXPECT_STREQ(bundle["entry"][0]["response"]["status"].GetString(), "201 Created");
  const std::string patientLocation = bundle["entry"][0]["response"]["location"].GetString();
  const std::string observationLocation = bundle["entry"][1]["response"]["location"].GetString();
  const std::string patientRef = patientLocation.substr(0, patientLocation.find("/_history"));
  ApiResponse obs = api_->handle(get("/fhir/" + observationLocation, "token-a"));
  ASSERT_EQ(obs.status, 200);
  EXPECT_NE(obs.body.find("\"reference\":\"" + patientRef + "\""), std::string::npos) << obs.body;
  EXPECT_EQ(api_->handle(get("/fhir/" + patientRef, "token-a")).status, 200);
}

ApiRequest searchRequest(const std::string& type, const std::string& query,
                         const std::string& token = "token-a") {
  ApiRequest r = get("/fhir/" + type, token);
  r.query = query;
  return r;
}

int64_t totalOf(const ApiResponse& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d.IsObject() && d.HasMember("total") ? d["total"].GetInt64() : -1;
}

TEST_F(FhirApiTest, PatientSearchNormalizesJapaneseNames) {
  const std::string kana = R"({"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":"K1"}],)"
                           R"("name":[{"family":"レンケイ","given":["ハナコ"]}],"gender":"female","birthDate":"1942-03-09"})";
  ASSERT_EQ(api_->handle(post("/fhir/Patient", kana)).status, 201);
  ASSERT_EQ(api_->handle(post("/fhir/Patient", patientJson("x1"))).status, 201);
  // Half-width katakana, hiragana, full name without a space: all find レンケイ ハナコ.
  for (const char* q : {"name=%EF%BE%9A%EF%BE%9D%EF%BD%B9%EF%BD%B2", "name=%E3%82%8C%E3%82%93%E3%81%91%E3%81%84",
                        "name=%E3%83%AC%E3%83%B3%E3%82%B1%E3%82%A4%E3%83%8F%E3%83%8A%E3%82%B3"}) {
    ApiResponse r = api_->handle(searchRequest("Patient", q));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(totalOf(r), 1) << q;
  }
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "name=%E9%80%A3%E6%90%BA"))), 1) << "連携";
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "identifier=urn:oid:1.2.392.100495.20.3.51.11312345678%7CK1"))), 1);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "identifier=K1"))), 1);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "gender=female&birthdate=lt1950"))), 2);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "birthdate=1942"))), 2);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "birthdate=gt1942"))), 0);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Patient", "gender=female", "token-b"))), 0)
      << "another organization sees none of them";
  EXPECT_EQ(api_->handle(searchRequest("Patient", "address=x")).status, 400);
}

TEST_F(FhirApiTest, SearchPagesWithNextLinks) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(api_->handle(post("/fhir/Patient", patientJson("pg" + std::to_string(i)))).status, 201);
  }
  ApiResponse first = api_->handle(searchRequest("Patient", "gender=female&_count=2"));
  rapidjson::Document d;
  d.Parse(first.body.c_str());
  EXPECT_EQ(d["total"].GetInt64(), 3);
  EXPECT_EQ(d["entry"].Size(), 2u);
  std::string next;
  for (const auto& l : d["link"].GetArray()) {
    if (std::string(l["relation"].GetString()) == "next") next = l["url"].GetString();
  }
  ASSERT_EQ(next, "/fhir/Patient?gender=female&_count=2&_offset=2");
  ApiResponse second = api_->handle(searchRequest("Patient", next.substr(next.find('?') + 1)));
  d.Parse(second.body.c_str());
  EXPECT_EQ(d["entry"].Size(), 1u);
}

TEST_F(FhirApiTest, EncounterSearchByPatientDateAndClass) {
  const std::string patient = R"({"fullUrl":"urn:uuid:5b8c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4","resource":)" +
                              patientJson("e1") + R"(,"request":{"method":"POST","url":"Patient"}})";
  const std::string encounter = R"({"fullUrl":"urn:uuid:6c9dae2f-3a4b-4c5d-9e7f-8091a2b3c4d5","resource":)"
      R"({"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
      R"("subject":{"reference":"urn:uuid:5b8c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"},"period":{"start":"2026-11-01T10:00:00+09:00","end":"2026-11-20T11:30:00+09:00"}},)"
      R"("request":{"method":"POST","url":"Encounter"}})";
  ApiResponse tx = api_->handle(post("/fhir", R"({"resourceType":"Bundle","type":"transaction","entry":[)" +
                                                  patient + "," + encounter + "]}"));
  ASSERT_EQ(tx.status, 201) << tx.body;
  rapidjson::Document bundle;
  bundle.Parse(tx.body.c_str());
  std::string patientId = bundle["entry"][0]["response"]["location"].GetString();
  patientId = patientId.substr(8, patientId.find("/_history") - 8);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Encounter", "patient=" + patientId))), 1);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Encounter", "patient=Patient/" + patientId + "&class=IMP"))), 1);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Encounter", "date=ge2026-11-01&class=AMB"))), 0);
  EXPECT_EQ(totalOf(api_->handle(searchRequest("Encounter", "date=2026-11"))), 1);
}

TEST_F(FhirApiTest, ValidateReportsWithoutStoring) {
  std::string invalid = patientJson("p1");
  invalid.replace(invalid.find("\"female\""), 8, "\"woman\"");
  ApiResponse res = api_->handle(post("/fhir/Patient/$validate", invalid));
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("Patient.gender"), std::string::npos);
  EXPECT_EQ(api_->handle(post("/fhir/$validate", patientJson("p2"))).status, 200);
  EXPECT_EQ(api_->handle(post("/fhir/Observation/$validate", patientJson("p2"))).status, 400);
  EXPECT_EQ(messages(), 0u);
}

TEST_F(FhirApiTest, TransactionDocumentAndMessageBundlesAreAccepted) {
  const std::string entry = R"({"fullUrl":"urn:uuid:5b8c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4","resource":)" +
                            patientJson("p9") + R"(,"request":{"method":"POST","url":"Patient"}})";
  ApiResponse tx = api_->handle(post("/fhir", R"({"resourceType":"Bundle","type":"transaction","entry":[)" + entry + "]}"));
  EXPECT_EQ(tx.status, 201) << tx.body;
  const std::string bundle = readText(sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
  EXPECT_EQ(api_->handle(post("/fhir/Bundle", bundle)).status, 201);
  EXPECT_EQ(api_->handle(post("/fhir/$process-message", bundle)).status, 400)
      << "a collection is not a message";
  EXPECT_EQ(messages(), 2u);
}

TEST_F(FhirApiTest, AClientMayAuthenticateWithAJwtSignedByItsOwnKey) {
  const auto keys = dir_.path() / "keys";
  std::filesystem::create_directories(keys);
  const std::string script = "cd '" + keys.string() + "' && openssl genrsa -out key.pem 2048 2>/dev/null && "
                             "openssl rsa -in key.pem -pubout -out pub.pem 2>/dev/null && "
                             "openssl genrsa -out other.pem 2048 2>/dev/null";
  if (std::system(script.c_str()) != 0) GTEST_SKIP() << "openssl could not make keys";
  rapidjson::Document config;
  config.Parse((R"([{"id": "jwt-client", "organization": "org-j", "jwt_public_key_file": ")" +
                (keys / "pub.pem").string() + R"(", "scopes": ["system/*.write"]}])")
                   .c_str());
  auto defs = coreDefinitions();
  fhir_api::FhirApi api("hospital", "/fhir", std::make_shared<const fhir_api::ApiClients>(config), defs,
                        fhirpath::makeValidator(defs), pipeline_.get(), store_);
  const auto seconds = [](int64_t n) { return Poco::Timestamp() + n * Poco::Timestamp::resolution(); };
  auto jwt = [&](const std::string& keyFile, const std::string& issuer, int64_t lifetimeSeconds,
                 std::optional<int64_t> notBefore = std::nullopt,
                 std::optional<int64_t> issuedAt = std::nullopt) {
    Poco::JWT::Signer signer(Poco::SharedPtr<Poco::Crypto::RSAKey>(
        new Poco::Crypto::RSAKey("", (keys / keyFile).string())));
    Poco::JWT::Token token;
    token.setIssuer(issuer);
    token.setExpiration(seconds(lifetimeSeconds));
    if (notBefore) token.setNotBefore(seconds(*notBefore));
    if (issuedAt) token.setIssuedAt(seconds(*issuedAt));
    return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
  };
  int n = 0;
  auto status = [&](const std::string& token) {
    return api.handle(post("/fhir/Patient", patientJson("j" + std::to_string(++n)), token)).status;
  };
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 60)), 201);
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", -60)), 401) << "expired beyond the clock-skew allowance";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 3600)), 401) << "lives longer than five minutes";
  EXPECT_EQ(status(jwt("key.pem", "someone-else", 60)), 401) << "another issuer";
  EXPECT_EQ(status(jwt("other.pem", "jwt-client", 60)), 401) << "signed with another key";
  EXPECT_EQ(status("not.a.jwt"), 401);
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 60) + ".extra"), 401) << "a fourth segment";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 60) + "."), 401) << "an empty fourth segment";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 240, 120)), 401) << "not valid before two minutes";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 240, std::nullopt, 120)), 401) << "issued in the future";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 60, 10, 10)), 201) << "within the clock-skew allowance";
  EXPECT_EQ(status(jwt("key.pem", "jwt-client", 60, -10, -10)), 201);
}

TEST_F(FhirApiTest, AClientOverItsRateGets429) {
  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i) {
    statuses.push_back(api_->handle(post("/fhir/Patient", patientJson("r" + std::to_string(i)), "token-c")).status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{201, 201, 429, 429})) << "a burst of 2, then 2 per second";
  ApiResponse throttled = api_->handle(post("/fhir/Patient", patientJson("r9"), "token-c"));
  EXPECT_EQ(throttled.headers["Retry-After"], "1");
  EXPECT_EQ(api_->handle(post("/fhir/Patient", patientJson("r10"))).status, 201)
      << "other clients are not affected";
}

TEST_F(FhirApiTest, EveryRequestIsAuditedWithoutItsQueryOrContent) {
  fhir_api::AuditTrail trail(store_);
  auto defs = coreDefinitions();
  fhir_api::FhirApi api("hospital", "/fhir", std::make_shared<const fhir_api::ApiClients>(clients_),
                        defs, fhirpath::makeValidator(defs), pipeline_.get(), store_, &trail);
  api.handle(post("/fhir/Patient", patientJson("a1"), ""));
  ApiRequest created = post("/fhir/Patient", patientJson("a2"));
  created.query = "name=%E9%80%A3%E6%90%BA";
  const std::string message = api.handle(created).headers["X-Renkei-Message"];
  ASSERT_TRUE(trail.flush().ok());
  auto rows = store_->audit(10).value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].status, 201);
  EXPECT_EQ(rows[0].client, "hospital-a");
  EXPECT_EQ(rows[0].organization, "org-a");
  EXPECT_EQ(rows[0].path, "/fhir/Patient");
  EXPECT_EQ(std::to_string(rows[0].messageId), message);
  EXPECT_EQ(rows[1].status, 401);
  EXPECT_EQ(rows[1].client, "");
}

/// Fires `n` identical conditional creates from `n` threads at the given APIs (round robin).
std::vector<int> parallelConditionalCreates(const std::vector<fhir_api::FhirApi*>& apis, int n,
                                            const std::string& body) {
  ApiRequest r = post("/fhir/Patient", body);
  r.headers["if-none-exist"] = "identifier=urn:oid:1.2.392.100495.20.3.51.11312345678|race";
  return sendTogether(apis, std::vector<ApiRequest>(static_cast<std::size_t>(n), r));
}

TEST_F(FhirApiTest, FiftyParallelIdenticalConditionalCreatesMakeOneMessageOnSqlite) {
  for (int round = 0; round < 3; ++round) {
    // Later rounds send the same condition again: all of them find the first round's message.
    const auto statuses = parallelConditionalCreates({api_.get()}, 50, patientJson("race"));
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), round == 0 ? 1 : 0);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), round == 0 ? 49 : 50);
  }
  EXPECT_EQ(messages(), 1u);
}

TEST_F(FhirApiTest, GroupCommitBatchesConcurrentRequestsAndStillMakesOneMessage) {
  pipeline::GroupCommitIntake grouped(*pipeline_, 64);
  auto api = makeApi(&grouped);
  const auto statuses = parallelConditionalCreates({api.get()}, 50, patientJson("race"));
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 49);
  EXPECT_EQ(messages(), 1u) << "repeats inside one batch are routed once";
  std::vector<std::thread> different;
  std::atomic<int> created{0};
  for (int i = 0; i < 20; ++i) {
    different.emplace_back([&, i] {
      if (api->handle(post("/fhir/Patient", patientJson("g" + std::to_string(i)))).status == 201) {
        ++created;
      }
    });
  }
  for (auto& t : different) t.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(messages(), 21u);
}

TEST_F(FhirApiTest, FiftyParallelIdenticalConditionalCreatesMakeOneMessageOnPostgres) {
  std::string why;
  auto g = twoGatewaysOnPostgres(why);
  if (!g) GTEST_SKIP() << why;
  const auto statuses = parallelConditionalCreates({g->apiA.get(), g->apiB.get()}, 50, patientJson("race"));
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 49);
  EXPECT_EQ(g->storeA->outbox({})->size(), 1u) << "exactly one message, routed once";
}

}  // namespace
}  // namespace renkei::test

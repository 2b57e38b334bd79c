// Subscriptions (rest-hook): what a Subscription may ask for under the operator's policy, how its
// criteria decide one resource (as the store's search would), which resources a message carries
// (a document's entries too), and who is told: only organizations that see the message anyway.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/search_query.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/pipeline/search_values.h"
#include "renkei/pipeline/subscriptions.h"

namespace renkei::pipeline {
namespace {

using store::PlannedDelivery;
using store::ResourceCopy;

constexpr int64_t kNow = 1796000000000;  // 2026-11-29

SubscriptionPolicy policy() {
  SubscriptionPolicy p;
  p.endpoints["clinic-b"] = {"https://clinic-b.example.jp/hook"};
  p.endpoints["*"] = {"https://hooks.example.jp/renkei/"};
  p.destinations["station-s"] = {"station-folder"};
  return p;
}

std::string subscriptionJson(const std::string& criteria, const std::string& endpoint,
                             const std::string& extra = "", const std::string& status = "requested") {
  return R"({"resourceType":"Subscription","status":")" + status + R"(","reason":"r","criteria":")" +
         criteria + R"(","channel":{"type":"rest-hook","endpoint":")" + endpoint + "\"" + extra + "}}";
}

Result<Subscription> read(const std::string& json, const std::string& org = "clinic-b") {
  auto parsed = fhir::readJson(json);
  EXPECT_TRUE(parsed.ok()) << parsed.status.message();
  return readSubscription(*parsed.document->root(), org, policy(), kNow);
}

TEST(ReadSubscription, TakesARestHookWithCriteriaPayloadAndHeaders) {
  auto s = read(subscriptionJson("Encounter?status=finished&class=HH", "https://clinic-b.example.jp/hook",
                                 R"(,"payload":"application/fhir+json","header":["Authorization: Bearer x"])"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->active);
  EXPECT_EQ(s->type, "Encounter");
  EXPECT_EQ(s->criteria.size(), 2u);
  EXPECT_EQ(s->payload, "application/fhir+json");
  EXPECT_EQ(s->headers, std::vector<std::string>{"Authorization: Bearer x"});
  EXPECT_TRUE(read(subscriptionJson("Encounter", "https://hooks.example.jp/renkei/c1"), "clinic-x").ok())
      << "an endpoint listed for every organization";
}

TEST(ReadSubscription, RefusesEndpointsTheOperatorDidNotList) {
  for (const char* url : {"http://169.254.169.254/latest/meta-data", "https://clinic-b.example.jp/hookevil",
                          "https://clinic-b.example.jp.evil.example/hook", "https://x@clinic-b.example.jp/hook/a",
                          "file:///etc/passwd", "https://hooks.example.jp/renkeiX/",
                          "https://clinic-b.example.jp/hook/../admin", "https://clinic-b.example.jp/hook/%2e%2e/admin",
                          "https://hooks.example.jp/renkei/./x"}) {
    auto s = read(subscriptionJson("Encounter", url));
    EXPECT_FALSE(s.ok()) << url;
  }
  EXPECT_TRUE(read(subscriptionJson("Encounter", "https://clinic-b.example.jp/hook/a?x=1")).ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter", "https://clinic-b.example.jp/hook"), "clinic-x").ok())
      << "another organization's endpoint";
}

TEST(ReadSubscription, RefusesWhatItCannotServe) {
  const std::string ok = "https://clinic-b.example.jp/hook";
  EXPECT_FALSE(read(R"({"resourceType":"Subscription","status":"requested","reason":"r","criteria":"Encounter",)"
                    R"("channel":{"type":"email","endpoint":"mailto:a@b.jp"}})").ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter?colour=red", ok)).ok());
  EXPECT_FALSE(read(subscriptionJson("Observation?code=1", ok)).ok()) << "a type Renkei does not index";
  EXPECT_FALSE(read(subscriptionJson("Encounter?patient.name=yamada", ok)).ok()) << "a chain";
  EXPECT_FALSE(read(subscriptionJson("Encounter?_include=Encounter:patient", ok)).ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, R"(,"payload":"application/fhir+xml")")).ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, R"(,"header":["Host: evil.example"])")).ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, R"(,"header":["X-A: 1\r\nX-B: 2"])")).ok());
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, R"(,"header":["no colon"])")).ok());
}

TEST(ReadSubscription, OffOrEndedIsInactive) {
  const std::string ok = "https://clinic-b.example.jp/hook";
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, "", "off"))->active);
  EXPECT_FALSE(read(subscriptionJson("Encounter", ok, "", "error"))->active);
  std::string ended = subscriptionJson("Encounter", ok);
  ended.insert(ended.find("\"criteria\""), R"("end":"2026-01-01T00:00:00+09:00",)");
  EXPECT_FALSE(read(ended)->active);
  std::string later = subscriptionJson("Encounter", ok);
  later.insert(later.find("\"criteria\""), R"("end":"2030-01-01T00:00:00+09:00",)");
  auto s = read(later);
  EXPECT_TRUE(s->active);
  EXPECT_EQ(s->endMs, 1893423600000);
}

/// Whether `criteria` (a query of `type`) finds `resource`, decided in memory.
bool finds(const std::string& type, const std::string& criteria, const std::string& resource,
           const std::string& id = "") {
  const SearchQuery q = parseSearchQuery(type, criteria);
  EXPECT_EQ(q.error, "") << criteria;
  rapidjson::Document d;
  d.Parse(resource.c_str());
  return meetsCriteria(id, searchValues(d), q.criteria);
}

TEST(MeetsCriteria, DecidesAsTheStoresSearch) {
  const std::string encounter =
      R"({"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},)"
      R"("period":{"start":"2026-11-20T10:00:00+09:00"},"subject":{"reference":"Patient/p1"}})";
  EXPECT_TRUE(finds("Encounter", "status=finished", encounter));
  EXPECT_FALSE(finds("Encounter", "status=in-progress", encounter));
  EXPECT_TRUE(finds("Encounter", "status=in-progress,finished", encounter)) << "comma: any of";
  EXPECT_TRUE(finds("Encounter", "class=http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP", encounter));
  EXPECT_FALSE(finds("Encounter", "class=http://other|IMP", encounter));
  EXPECT_TRUE(finds("Encounter", "date=ge2026-11-01&date=lt2026-12", encounter));
  EXPECT_FALSE(finds("Encounter", "date=lt2026-11-20", encounter));
  EXPECT_TRUE(finds("Encounter", "date=2026-11", encounter)) << "a partial date covers its month";
  EXPECT_TRUE(finds("Encounter", "patient=Patient/p1&status=finished", encounter));
  EXPECT_FALSE(finds("Encounter", "patient=p2", encounter));
  EXPECT_TRUE(finds("Encounter", "", encounter)) << "no criteria: every resource of the type";

  const std::string patient =
      R"({"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":"00012345"}],)"
      R"("name":[{"text":"連携 花子","family":"連携","given":["花子"]},{"family":"レンケイ","given":["ハナコ"]}],)"
      R"("address":[{"city":"北区","state":"東京都"}],"gender":"female","birthDate":"1942-03-09"})";
  EXPECT_TRUE(finds("Patient", "name=ﾚﾝｹｲ", patient)) << "half-width kana, normalized";
  EXPECT_TRUE(finds("Patient", "identifier=00012345", patient));
  EXPECT_TRUE(finds("Patient", "identifier=urn:oid:1.2.392.100495.20.3.51.11312345678|00012345", patient));
  EXPECT_FALSE(finds("Patient", "identifier=urn:other|00012345", patient));
  EXPECT_TRUE(finds("Patient", "municipality=北区&gender=female&birthdate=1942", patient));
  EXPECT_FALSE(finds("Patient", "municipality=新宿区", patient));
  EXPECT_TRUE(finds("Patient", "_id=p1", patient, "p1"));
  EXPECT_FALSE(finds("Patient", "_id=p1", patient, ""));
}

TEST(CarriedResources, ADocumentsEntriesAreCarriedWithIds) {
  ResourceCopy bundle;
  bundle.type = "Bundle";
  bundle.id = "m000000000007-0";
  bundle.json =
      R"({"resourceType":"Bundle","type":"collection","entry":[)"
      R"({"fullUrl":"urn:uuid:0b9c7a70-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","gender":"female"}},)"
      R"({"resource":{"resourceType":"Encounter","id":"enc-1","status":"finished"}}]})";
  ResourceCopy update;
  update.type = "Subscription";
  update.id = "mine";
  update.json = R"({"resourceType":"Subscription","id":"mine"})";
  update.update = true;
  ResourceCopy gone;
  gone.type = "Patient";
  gone.id = "old";
  gone.update = true;
  const std::vector<CarriedResource> carried = carriedResources({bundle, update, gone});
  ASSERT_EQ(carried.size(), 4u);
  EXPECT_EQ(carried[0].path, "0");
  EXPECT_EQ(carried[1].path, "0/0");
  EXPECT_EQ(carried[1].type, "Patient");
  EXPECT_EQ(carried[1].id, deterministicId(bundle.id, "urn:uuid:0b9c7a70-0000-4000-8000-000000000001"));
  EXPECT_NE(carried[1].json.find("\"id\":\"" + carried[1].id + "\""), std::string::npos);
  EXPECT_EQ(carried[2].path, "0/1");
  EXPECT_EQ(carried[2].id, "enc-1") << "an entry's own id is kept";
  EXPECT_FALSE(carried[2].clientNamed);
  EXPECT_NE(std::find(carried[2].search.begin(), carried[2].search.end(),
                      std::pair<std::string, std::string>("status", "finished")),
            carried[2].search.end());
  EXPECT_EQ(carried[3].path, "1");
  EXPECT_TRUE(carried[3].clientNamed);
}

Subscription active(const std::string& org, const std::string& id, const std::string& criteria) {
  Subscription s;
  s.organization = org;
  s.id = id;
  s.type = criteria.substr(0, criteria.find('?'));
  s.criteria = parseSearchQuery(s.type, criteria.find('?') == std::string::npos
                                            ? ""
                                            : criteria.substr(criteria.find('?') + 1))
                   .criteria;
  s.endpoint = "https://hooks.example.jp/renkei/" + org;
  s.active = true;
  return s;
}

std::vector<CarriedResource> finishedEncounter() {
  CarriedResource r;
  r.path = "0/3";
  r.type = "Encounter";
  r.id = "e1";
  r.search = {{"status", "finished"}};
  return {r};
}

PlannedDelivery careDelivery(const std::string& org, const std::string& held = "") {
  PlannedDelivery d;
  d.destination = "clinic-folder";
  d.recipient = R"({"role":"family-doctor","member":"PractitionerRole/sato","organization":")" + org +
                R"(","display":"佐藤","address":""})";
  d.held = held;
  return d;
}

TEST(SubscriptionDeliveries, OnlyOrganizationsThatSeeTheMessageAreTold) {
  const std::vector<Subscription> subs = {active("hospital-a", "s1", "Encounter?status=finished"),
                                          active("clinic-b", "s2", "Encounter?status=finished"),
                                          active("clinic-x", "s3", "Encounter"),
                                          active("station-s", "s4", "Encounter"),
                                          active("clinic-b", "s5", "Encounter?status=planned")};
  std::vector<PlannedDelivery> deliveries = {careDelivery("clinic-b")};
  PlannedDelivery toStation;
  toStation.destination = "station-folder";
  deliveries.push_back(toStation);
  const auto out = subscriptionDeliveries(subs, policy(), "hospital-a", deliveries, finishedEncounter(),
                                          "patient-1", kNow);
  ASSERT_EQ(out.size(), 3u) << "the sender, the care-team member, the destination's organization";
  std::vector<std::string> told;
  for (const PlannedDelivery& d : out) {
    EXPECT_EQ(d.destination, kSubscriptionDestination);
    auto r = readSubscriptionRecipient(d.recipient);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->paths, std::vector<std::string>{"0/3"});
    EXPECT_EQ(d.orderingKey, "patient-1|" + r->organization + "/" + r->subscription);
    told.push_back(r->organization + ":" + r->subscription + ":" + r->member);
  }
  EXPECT_EQ(told, (std::vector<std::string>{"hospital-a:s1:", "clinic-b:s2:PractitionerRole/sato",
                                            "station-s:s4:"}));
}

TEST(SubscriptionDeliveries, ConsentHoldsTheCopyOfAHeldDelivery) {
  const std::vector<Subscription> subs = {active("clinic-b", "s2", "Encounter")};
  auto out = subscriptionDeliveries(subs, policy(), "hospital-a",
                                    {careDelivery("clinic-b", "no Consent permits it")},
                                    finishedEncounter(), "", kNow);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].held, "no Consent permits it");
  EXPECT_EQ(out[0].orderingKey, "") << "no patient: the message's own line";
  store::OutboxRow row;
  row.destination = kSubscriptionDestination;
  row.recipient = out[0].recipient;
  EXPECT_FALSE(followsNoCareTeam(row)) << "consent is asked of it as of the member it follows";

  out = subscriptionDeliveries({active("hospital-a", "s1", "Encounter")}, policy(), "hospital-a", {},
                               finishedEncounter(), "", kNow);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].held, "");
  row.recipient = out[0].recipient;
  EXPECT_TRUE(followsNoCareTeam(row)) << "the sender's own data";
}

TEST(SubscriptionDeliveries, EndedSubscriptionsAndOtherTypesAreNotTold) {
  Subscription ended = active("hospital-a", "s1", "Encounter");
  ended.endMs = kNow - 1;
  EXPECT_TRUE(subscriptionDeliveries({ended}, policy(), "hospital-a", {}, finishedEncounter(), "", kNow)
                  .empty());
  EXPECT_TRUE(subscriptionDeliveries({active("hospital-a", "s1", "Patient")}, policy(), "hospital-a", {},
                                     finishedEncounter(), "", kNow)
                  .empty());
}

}  // namespace
}  // namespace renkei::pipeline

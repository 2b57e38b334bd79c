// Searching the directory and the care team over the FHIR API: every organization reads the shared
// directory (but not another's patients), finds home-visit services by specialty, municipality
// and medical area, free beds with their hospital (_include), a patient's care teams
// (_revinclude); a directory id one organization holds cannot be taken by another.
#include <gtest/gtest.h>

#include "pipeline/fhir_api_fixture.h"
#include "renkei/care/directory_csv.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/pipeline/search_query.h"

namespace renkei::test {
namespace {

/// FhirApiTest plus a clinic (org-d) that reads and writes everything of its own.
class DirectorySearchTest : public FhirApiTest {
 protected:
  void SetUp() override {
    FhirApiTest::SetUp();
    rapidjson::Document clinic(&clients_.GetAllocator());
    clinic.Parse((R"({"id": "clinic-d", "organization": "org-d", "token_sha256": ")" +
                  sha256Hex("token-d") + R"(", "scopes": ["system/*.read", "system/*.write"]})")
                     .c_str());
    clients_.PushBack(rapidjson::Value(clinic, clients_.GetAllocator()), clients_.GetAllocator());
    api_ = makeApi(pipeline_.get());
  }

  /// The ward desk (org-a) imports three entries: a Shinjuku clinic (皮膚科, 往診可能), a
  /// Setagaya clinic (眼科, no home visits) and a Nakano nurse station.
  void importDirectory() {
    const std::string csv =
        "ID,名称,種別,市区町村,住所,診療科,往診\n"
        "clinic-s,新宿皮膚科クリニック,診療所,新宿区,東京都新宿区西新宿1-1,皮膚科;内科,可\n"
        "clinic-t,世田谷眼科,診療所,世田谷区,,眼科,不可\n"
        "station-n,中野訪問看護ステーション,訪問看護,中野区,,,\n";
    auto bundle = care::directoryBundleFromCsv(csv, mapping::TextEncoding::Utf8);
    ASSERT_TRUE(bundle.ok()) << bundle.status().toString();
    ApiResponse r = api_->handle(post("/fhir", bundle.value()));
    ASSERT_EQ(r.status, 201) << r.body;
  }

  ApiResponse search(const std::string& type, const std::string& query,
                     const std::string& token = "token-d") {
    ApiRequest r = get("/fhir/" + type, token);
    r.query = query;
    return api_->handle(r);
  }

  /// "match"/"include" entries of a searchset as "Type/id" lists.
  struct Entries {
    int64_t total = -1;
    std::vector<std::string> matches, includes;
  };
  Entries entries(const ApiResponse& r) {
    Entries out;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    EXPECT_EQ(r.status, 200) << r.body;
    if (!d.IsObject() || !d.HasMember("entry")) return out;
    out.total = d["total"].GetInt64();
    for (const auto& e : d["entry"].GetArray()) {
      const std::string ref = std::string(e["resource"]["resourceType"].GetString()) + "/" +
                              e["resource"]["id"].GetString();
      (std::string(e["search"]["mode"].GetString()) == "match" ? out.matches : out.includes)
          .push_back(ref);
    }
    return out;
  }

  ApiResponse put(const std::string& ref, const std::string& json, const std::string& token) {
    ApiRequest r = post("/fhir/" + ref, json, token);
    r.method = "PUT";
    return api_->handle(r);
  }
};

TEST_F(DirectorySearchTest, HomeVisitServicesBySpecialtyMunicipalityAndArea) {
  importDirectory();
  using V = std::vector<std::string>;
  EXPECT_EQ(entries(search("HealthcareService", "characteristic=home-visit")).matches,
            V{"HealthcareService/hs-clinic-s"})
      << "another organization's client reads the shared directory";
  EXPECT_EQ(entries(search("HealthcareService",
                           "characteristic=https://fhir.renkei.jp/CodeSystem/service-characteristic%7Chome-visit"))
                .total,
            1);
  EXPECT_EQ(entries(search("HealthcareService", "specialty:text=%E7%9A%AE%E8%86%9A%E7%A7%91")).matches,
            V{"HealthcareService/hs-clinic-s"})
      << "皮膚科";
  EXPECT_EQ(entries(search("HealthcareService", "characteristic:text=%E5%BE%80%E8%A8%BA%E4%B8%8D%E5%8F%AF")).matches,
            V{"HealthcareService/hs-clinic-t"})
      << "往診不可";
  // Chained through the providing organization's address.
  EXPECT_EQ(entries(search("HealthcareService", "characteristic=home-visit&organization.municipality=131041")).total, 1);
  EXPECT_EQ(entries(search("HealthcareService", "organization.municipality=%E4%B8%96%E7%94%B0%E8%B0%B7%E5%8C%BA")).matches,
            V{"HealthcareService/hs-clinic-t"})
      << "世田谷区 by name";
  EXPECT_EQ(entries(search("HealthcareService", "characteristic=home-visit&organization.municipality=131121")).total, 0);
  // 区西部 is Shinjuku, Nakano and Suginami; Setagaya is 区西南部.
  Entries west = entries(search("Organization", "area=%E5%8C%BA%E8%A5%BF%E9%83%A8&_count=10"));
  std::sort(west.matches.begin(), west.matches.end());
  EXPECT_EQ(west.matches, (V{"Organization/clinic-s", "Organization/station-n"}));
  EXPECT_EQ(entries(search("Organization", "municipality=131041,131148")).total, 2) << "any of";
  EXPECT_EQ(entries(search("Organization", "name=%E3%81%97%E3%82%93%E3%81%98%E3%82%85%E3%81%8F")).total, 0)
      << "names are matched on their normalized text, not their reading";
  EXPECT_EQ(entries(search("Organization", "name=%E6%96%B0%E5%AE%BF")).matches, V{"Organization/clinic-s"});

  Entries withProviders = entries(search("HealthcareService", "characteristic=home-visit&_include=HealthcareService:organization"));
  EXPECT_EQ(withProviders.matches, V{"HealthcareService/hs-clinic-s"});
  EXPECT_EQ(withProviders.includes, V{"Organization/clinic-s"});
  Entries withServices = entries(search("Organization", "_id=clinic-t&_revinclude=HealthcareService:organization"));
  EXPECT_EQ(withServices.matches, V{"Organization/clinic-t"});
  EXPECT_EQ(withServices.includes, V{"HealthcareService/hs-clinic-t"});
}

TEST_F(DirectorySearchTest, CriteriaDecidedInMemoryFindWhatTheStoreFinds) {
  // Subscriptions decide their criteria for one resource without the store (meetsCriteria): for
  // every query here, the resources it accepts are exactly the ones the store's search returns.
  importDirectory();
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"HealthcareService", "characteristic=home-visit"},
      {"HealthcareService", "specialty:text=%E7%9A%AE%E8%86%9A"},
      {"HealthcareService", "characteristic=https://fhir.renkei.jp/CodeSystem/service-characteristic%7Chome-visit"},
      {"HealthcareService", "characteristic=home-visit,no-home-visit&active=true"},
      {"Organization", "area=%E5%8C%BA%E8%A5%BF%E9%83%A8"},
      {"Organization", "municipality=131121"},
      {"Organization", "name=%E6%96%B0%E5%AE%BF"},
      {"Organization", "name:exact=%E4%B8%96%E7%94%B0%E8%B0%B7%E7%9C%BC%E7%A7%91"},
      {"Organization", "_id=clinic-t"},
      {"Endpoint", "connection-type=hl7-fhir-rest"},
  };
  int answered = 0;
  for (const auto& [type, query] : queries) {
    Entries found = entries(search(type, query + "&_count=100"));
    answered += found.matches.empty() ? 0 : 1;
    std::sort(found.matches.begin(), found.matches.end());
    const pipeline::SearchQuery parsed = pipeline::parseSearchQuery(type, query);
    ASSERT_EQ(parsed.error, "") << query;
    std::vector<std::string> decided;
    auto all = store_->currentResources(type, "", "", 1000);
    ASSERT_TRUE(all.ok());
    for (const store::StoredResource& r : all.value()) {
      rapidjson::Document d;
      d.Parse(r.content.c_str());
      if (pipeline::meetsCriteria(r.id, pipeline::searchValues(d), parsed.criteria)) {
        decided.push_back(type + "/" + r.id);
      }
    }
    std::sort(decided.begin(), decided.end());
    EXPECT_EQ(decided, found.matches) << type << "?" << query;
  }
  EXPECT_GE(answered, 8) << "queries that find nothing prove little";
}

TEST_F(DirectorySearchTest, HospitalsPostFreeBedsThatOthersFindWithTheirHospital) {
  ASSERT_EQ(put("Organization/hosp-a",
                R"({"resourceType":"Organization","id":"hosp-a","name":"新宿中央病院","address":[{"city":"新宿区"}]})",
                "token-a").status, 201);
  auto bed = [](const char* id, const char* status) {
    return std::string(R"({"resourceType":"Location","id":")") + id +
           R"(","status":"active","operationalStatus":{"system":"http://terminology.hl7.org/CodeSystem/v2-0116","code":")" +
           status + R"("},"physicalType":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/location-physical-type","code":"bd"}]},)"
           R"("managingOrganization":{"reference":"Organization/hosp-a"}})";
  };
  ASSERT_EQ(put("Location/hosp-a-301-1", bed("hosp-a-301-1", "U"), "token-a").status, 201);
  ASSERT_EQ(put("Location/hosp-a-301-2", bed("hosp-a-301-2", "O"), "token-a").status, 201);
  const std::string freeBeds =
      "physical-type=bd&operational-status=U&organization.area=%E5%8C%BA%E8%A5%BF%E9%83%A8"
      "&_include=Location:organization";
  Entries free = entries(search("Location", freeBeds));
  EXPECT_EQ(free.matches, std::vector<std::string>{"Location/hosp-a-301-1"});
  EXPECT_EQ(free.includes, std::vector<std::string>{"Organization/hosp-a"});
  // The bed is taken: the hospital updates it and it is no longer free.
  ASSERT_EQ(put("Location/hosp-a-301-1", bed("hosp-a-301-1", "O"), "token-a").status, 200);
  EXPECT_EQ(entries(search("Location", freeBeds)).total, 0);
  EXPECT_EQ(entries(search("Location", "operational-status=O")).total, 2);
}

TEST_F(DirectorySearchTest, PatientsStayWithTheirOrganizationAndCareTeamsComeAlong) {
  ApiResponse patient = api_->handle(post("/fhir/Patient", patientJson("ct1")));
  ASSERT_EQ(patient.status, 201);
  std::string patientId = patient.headers["Location"];
  patientId = patientId.substr(patientId.find("Patient/") + 8);
  patientId.resize(patientId.find('/'));
  const std::string team = R"({"resourceType":"CareTeam","status":"active","subject":{"reference":"Patient/)" +
                           patientId + R"("},"participant":[{"member":{"reference":"Organization/clinic-s"}}]})";
  ASSERT_EQ(api_->handle(post("/fhir/CareTeam", team)).status, 201);

  Entries own = entries(search("Patient", "_id=" + patientId + "&_revinclude=CareTeam:patient", "token-a"));
  EXPECT_EQ(own.matches, std::vector<std::string>{"Patient/" + patientId});
  ASSERT_EQ(own.includes.size(), 1u);
  EXPECT_EQ(own.includes[0].rfind("CareTeam/", 0), 0u);
  EXPECT_EQ(entries(search("CareTeam", "patient=" + patientId + "&_include=CareTeam:patient", "token-a")).includes,
            std::vector<std::string>{"Patient/" + patientId});

  EXPECT_EQ(entries(search("Patient", "_id=" + patientId)).total, 0) << "not the clinic's patient";
  EXPECT_EQ(entries(search("CareTeam", "patient=" + patientId)).total, 0);
  EXPECT_EQ(api_->handle(get("/fhir/Patient/" + patientId, "token-d")).status, 404);
  EXPECT_EQ(entries(search("CareTeam", "patient.gender=female")).total, 0)
      << "a chain reaches only what the client may read";
}

TEST_F(DirectorySearchTest, ADirectoryIdBelongsToTheOrganizationThatMadeIt) {
  importDirectory();
  const std::string spoof = R"({"resourceType":"Organization","id":"clinic-s","name":"偽クリニック"})";
  ApiResponse taken = put("Organization/clinic-s", spoof, "token-d");
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_NE(taken.body.find("another organization's directory entry"), std::string::npos);
  ApiResponse read = api_->handle(get("/fhir/Organization/clinic-s", "token-d"));
  EXPECT_NE(read.body.find("新宿皮膚科クリニック"), std::string::npos) << read.body;

  ASSERT_EQ(put("Organization/clinic-d", R"({"resourceType":"Organization","id":"clinic-d","name":"D診療所"})",
                "token-d").status, 201);
  EXPECT_EQ(api_->handle(get("/fhir/Organization/clinic-d", "token-a")).status, 200)
      << "the clinic's own entry is in everyone's directory";
  EXPECT_EQ(put("Organization/clinic-d", R"({"resourceType":"Organization","id":"clinic-d","name":"乗っ取り"})",
                "token-a").status, 409);
}

TEST_F(DirectorySearchTest, MalformedSearchesAreRefusedWithAReason) {
  for (const char* q : {"_include=Patient:organization", "_include=HealthcareService:name",
                        "_revinclude=CareTeam:nothing", "specialty:contains=x", "name:text=x",
                        "organization.nothing=1", "nothing.name=x", "organization:Patient.name=x"}) {
    ApiResponse r = search("HealthcareService", q);
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos) << q;
  }
  EXPECT_EQ(search("Patient", "_revinclude=CareTeam:patient", "token-b").status, 403)
      << "a client that may not read CareTeams cannot pull them in";
}

}  // namespace
}  // namespace renkei::test

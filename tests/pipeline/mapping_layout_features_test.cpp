// Mapping features that layouts beyond one-row sheets need: file-name patterns that read and write
// the care-plan standard's names, fields read from a file name, resources made once per row and
// joined back by their references when rendering, FHIRPath conditions, and masked names that make
// a Patient identity-pending with an id nothing else can share.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <filesystem>

#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/mapping/file_name_pattern.h"
#include "renkei/mapping/mapping.h"
#include "renkei/mapping/mapping_engine.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {

using mapping::FileNamePattern;

TEST(FileNamePatternTest, ReadsV4AndV3CarePlanNamesAndRendersThemAgain) {
  auto v4 = FileNamePattern::parse("UP1KYO_{sender}_{sender_type}_{receiver}_{receiver_type}_{sent_at}.CSV");
  auto v3 = FileNamePattern::parse("UP1KYO_{sender}_{receiver}_{sent_at}.CSV");
  ASSERT_TRUE(v4.ok() && v3.ok());
  const std::string name = "UP1KYO_0300000100_43_0300000005_11_20191025200201.CSV";
  auto parts = v4->match(name);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ((*parts)["sender"], "0300000100");
  EXPECT_EQ((*parts)["sender_type"], "43");
  EXPECT_EQ((*parts)["receiver"], "0300000005");
  EXPECT_EQ((*parts)["receiver_type"], "11");
  EXPECT_EQ((*parts)["sent_at"], "20191025200201");
  EXPECT_FALSE(v3->match(name).has_value()) << "a placeholder never spans an underscore";
  EXPECT_TRUE(v3->match("up1kyo_0300000100_0300000005_20191025200201.csv").has_value()) << "case-insensitive";
  EXPECT_FALSE(v4->match("UP1KYO_0300000100_0300000005_20191025200201.CSV").has_value());
  EXPECT_EQ(v4->render(*parts).value(), name);
  EXPECT_FALSE(v4->render({{"sender", "1"}}).ok()) << "a part without a value is an error";
  EXPECT_FALSE(v3->render({{"sender", "a_b"}, {"receiver", "1"}, {"sent_at", "2"}}).ok());
  EXPECT_FALSE(v3->render({{"sender", "../x"}, {"receiver", "1"}, {"sent_at", "2"}}).ok());
}

TEST(FileNamePatternTest, WildcardsMatchButDoNotRenderAndAmbiguousPatternsAreRefused) {
  auto p = FileNamePattern::parse("setagaya-*.csv");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->match("SETAGAYA-2024.CSV").has_value());
  EXPECT_TRUE(p->match("setagaya-.csv").has_value());
  EXPECT_FALSE(p->match("setagaya.csv").has_value());
  EXPECT_FALSE(p->render({}).ok());
  EXPECT_FALSE(FileNamePattern::parse("{a}{b}.csv").ok());
  EXPECT_FALSE(FileNamePattern::parse("{a}*.csv").ok());
  EXPECT_FALSE(FileNamePattern::parse("{a.csv").ok());
  EXPECT_FALSE(FileNamePattern::parse("{a-b}.csv").ok());
}

/// A care plan of a 第2表-like layout: one row per goal × service; Goals once per distinct goal,
/// the plan's activities once per row referring to their goal.
const char* kPlan = R"json({"id": "plan", "version": "1",
  "layout": {"format": "csv", "encoding": "utf-8", "columns": ["person", "goal", "service"], "file_name": "PLAN_{office}_{now}.csv"},
  "match": {"file_names": ["PLAN_{office}_{sent_at}.csv"]},
  "records": {"group_by": ["person"]},
  "fields": {
    "office": {"file": "office", "transforms": ["digits"]},
    "person": {"column": "person", "transforms": ["required"]},
    "goal": {"column": "goal", "per_row": true},
    "service": {"column": "service", "per_row": true}},
  "resources": [
    {"key": "patient", "id_from": ["person"], "masked_identity": ["person"],
     "template": {"resourceType": "Patient", "name": [{"text": "{person}"}]}},
    {"key": "goal", "per_row": true, "id_from": ["person", "goal"], "when": ["goal"],
     "template": {"resourceType": "Goal", "lifecycleStatus": "active", "description": {"text": "{goal}"},
                  "subject": {"reference": "{ref:patient}"}}},
    {"key": "plan", "id_from": ["person"], "when": "%service.exists()",
     "template": {"resourceType": "CarePlan", "status": "active", "intent": "plan",
                  "subject": {"reference": "{ref:patient}"},
                  "author": {"identifier": {"system": "urn:office", "value": "{office}"}},
                  "goal": [{"reference": "{ref:goal}"}],
                  "activity": [{"detail": {"status": "scheduled", "description": "{service}",
                                           "goal": [{"reference": "{ref:goal}"}]}}]}}]})json";

std::shared_ptr<const mapping::Mapping> load(const char* json) {
  std::vector<mapping::MappingError> errors;
  auto m = mapping::MappingSet::fromJson(json, "", errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].pointer + ": " + errors[0].message);
  return m;
}

std::vector<const rapidjson::Value*> ofType(const rapidjson::Document& bundle, const std::string& type) {
  std::vector<const rapidjson::Value*> out;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (type == e["resource"]["resourceType"].GetString()) out.push_back(&e["resource"]);
  }
  return out;
}

TEST(MappingLayoutFeaturesTest, PerRowResourcesAreMadeOncePerDistinctIdAndReferencedPerRow) {
  auto m = load(kPlan);
  ASSERT_NE(m, nullptr);
  const std::string csv = "person,goal,service\r\n田中,歩く,訪問介護\r\n田中,歩く,通所介護\r\n田中,食べる,訪問看護\r\n";
  auto out = mapping::mapFile(*m, csv, "PLAN_0300000100_20241101090000.csv");
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->records.size(), 1u);
  rapidjson::Document bundle;
  bundle.Parse(out->records[0].bundleJson.c_str());
  auto goals = ofType(bundle, "Goal");
  ASSERT_EQ(goals.size(), 2u) << "two distinct goals over three rows";
  auto plans = ofType(bundle, "CarePlan");
  ASSERT_EQ(plans.size(), 1u);
  const rapidjson::Value& plan = *plans[0];
  EXPECT_EQ(plan["goal"].Size(), 2u) << "the same goal referred to by two rows appears once";
  ASSERT_EQ(plan["activity"].Size(), 3u);
  EXPECT_STREQ(plan["activity"][0]["detail"]["goal"][0]["reference"].GetString(),
               plan["activity"][1]["detail"]["goal"][0]["reference"].GetString());
  EXPECT_STRNE(plan["activity"][0]["detail"]["goal"][0]["reference"].GetString(),
               plan["activity"][2]["detail"]["goal"][0]["reference"].GetString());
  EXPECT_STREQ(plan["author"]["identifier"]["value"].GetString(), "0300000100") << "read from the file name";

  auto rendered = mapping::renderLayout(*m, {out->records[0].bundleJson});
  ASSERT_TRUE(rendered.ok()) << rendered.status().message();
  EXPECT_EQ(rendered.value(), csv) << "each activity row takes its goal back through the reference";
  auto name = mapping::renderFileName(*m, out->records[0].bundleJson, {{"now", "20241201100000"}});
  ASSERT_TRUE(name.ok()) << name.status().message();
  EXPECT_EQ(name.value(), "PLAN_0300000100_20241201100000.csv");
}

TEST(MappingLayoutFeaturesTest, AFhirPathConditionDecidesWhetherAResourceIsMade) {
  auto m = load(kPlan);
  ASSERT_NE(m, nullptr);
  auto out = mapping::mapFile(*m, "person,goal,service\r\n田中,歩く,\r\n", "x.csv");
  ASSERT_TRUE(out.ok());
  rapidjson::Document bundle;
  bundle.Parse(out->records[0].bundleJson.c_str());
  EXPECT_TRUE(ofType(bundle, "CarePlan").empty()) << "%service.exists() is false";
  EXPECT_EQ(ofType(bundle, "Goal").size(), 1u);
  std::vector<mapping::MappingError> errors;
  std::string broken = kPlan;
  broken.replace(broken.find("%service.exists()"), 17, "%nosuch.exists(");
  EXPECT_EQ(mapping::MappingSet::fromJson(broken, "", errors), nullptr);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/resources/2/when");
}

TEST(MappingLayoutFeaturesTest, ARowCutShortIsAnIssueNotEmptyColumns) {
  auto m = load(kPlan);
  ASSERT_NE(m, nullptr);
  auto out = mapping::mapFile(*m, "person,goal,service\r\n田中,歩く,散歩\r\n鈴木\r\n", "x.csv");
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->issues.size(), 1u);
  EXPECT_EQ(out->issues[0].line, 3);
  EXPECT_NE(out->issues[0].message.find("the row has 1 columns; the fields read 3"), std::string::npos) << out->issues[0].message;
  EXPECT_EQ(out->records.size(), 1u) << "the whole row is used, the short one is not";
}

TEST(MappingLayoutFeaturesTest, BytesThatAreNotUtf8AreRefusedInTheMappingAndNamedInTheData) {
  std::string broken = kPlan;
  broken.replace(broken.find("\"active\""), 8, "\"act\xFFive\"");
  std::vector<mapping::MappingError> errors;
  EXPECT_EQ(mapping::MappingSet::fromJson(broken, "", errors), nullptr) << "a default or lookup could carry them";
  ASSERT_FALSE(errors.empty());

  auto m = load(kPlan);
  ASSERT_NE(m, nullptr);
  auto out = mapping::mapFile(*m, "person,goal,service\r\n田中,歩く,\r\n", "PLAN_13\xFF\xFE_20241201.csv");
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_FALSE(out->issues.empty()) << "a file name is outside input too";
  EXPECT_EQ(out->issues[0].message, "digits: not valid UTF-8") << "the step that met the bytes says so";
}

TEST(MappingLayoutFeaturesTest, MaskedNamesMakeIdentityPendingPatientsThatNeverMerge) {
  auto m = load(kPlan);
  ASSERT_NE(m, nullptr);
  auto patientOf = [&](const std::string& person, const std::string& file) {
    auto out = mapping::mapFile(*m, "person,goal,service\r\n" + person + ",歩く,訪問介護\r\n", file);
    EXPECT_TRUE(out.ok());
    rapidjson::Document bundle;
    bundle.Parse(out->records[0].bundleJson.c_str());
    const rapidjson::Value& p = *ofType(bundle, "Patient").at(0);
    const bool pending = p.HasMember("meta") && std::string(p["meta"]["tag"][0]["code"].GetString()) == "pending";
    return std::make_pair(std::string(p["id"].GetString()), pending);
  };
  EXPECT_EQ(patientOf("田中", "a.csv"), patientOf("田中", "b.csv")) << "a named person keeps one id";
  EXPECT_FALSE(patientOf("田中", "a.csv").second);
  for (const std::string masked : {"●京●郎", "○○", "Y.T.", "ＹＴ", "Y・T", "＊＊"}) {
    auto a = patientOf(masked, "fax-1.csv"), b = patientOf(masked, "fax-2.csv");
    EXPECT_TRUE(a.second) << masked;
    EXPECT_NE(a.first, b.first) << masked << ": two faxes never share a pending patient";
    EXPECT_EQ(a, patientOf(masked, "fax-1.csv")) << "the same input maps the same way again";
  }
  EXPECT_FALSE(patientOf("Smith", "a.csv").second) << "a written-out Latin name is not initials";
}

/// Two layouts with a family doctor and a care manager, both Practitioners: rendering one
/// layout's Bundle into the other must put each person in their own column.
const char* kTeam = R"json({"id": "team", "version": "1",
  "layout": {"format": "csv", "encoding": "utf-8", "columns": ["cm", "clinic", "doctor", "when", "at", "units"]},
  "fields": {
    "cm": {"column": "cm"}, "clinic": {"column": "clinic"}, "doctor": {"column": "doctor"},
    "when": {"column": "when", "transforms": ["yyyymmdd"]}, "time": {"column": "at", "transforms": ["hhmm"]},
    "units": {"column": "units"}},
  "resources": [
    {"key": "cm", "when": ["cm"], "template": {"resourceType": "Practitioner", "name": [{"text": "{cm}"}]}},
    {"key": "doctor", "when": ["doctor"], "template": {"resourceType": "Practitioner", "name": [{"text": "{doctor}"}]}},
    {"key": "clinic", "when": ["clinic"], "template": {"resourceType": "Organization", "type": [{"text": "診療所"}],
                                                     "name": "{clinic}"}},
    {"key": "doctor_role", "when": ["doctor"],
     "template": {"resourceType": "PractitionerRole", "code": [{"text": "かかりつけ医"}],
                  "practitioner": {"reference": "{ref:doctor}"}, "organization": {"reference": "{ref:clinic}"}}},
    {"key": "visit", "when": ["when"],
     "template": {"resourceType": "Observation", "status": "final", "code": {"text": "visit"},
                  "effectiveDateTime": "{when}T{time}+09:00", "valueQuantity": {"value": "{units:number}"}}}]})json";

TEST(MappingLayoutFeaturesTest, RenderingFindsEachTemplatesResourceByWhatClassifiesIt) {
  auto m = load(kTeam);
  ASSERT_NE(m, nullptr);
  // Only the doctor: the care manager's template must not take the doctor's Practitioner.
  auto out = mapping::mapFile(*m, "cm,clinic,doctor,when,at,units\r\n,池尻内科,鈴木 一郎,,,\r\n", "t.csv");
  ASSERT_TRUE(out.ok() && out->records.size() == 1);
  auto rendered = mapping::renderLayout(*m, {out->records[0].bundleJson});
  ASSERT_TRUE(rendered.ok()) << rendered.status().message();
  EXPECT_EQ(rendered.value(), "cm,clinic,doctor,when,at,units\r\n,池尻内科,鈴木 一郎,,,\r\n")
      << "the role names its Practitioner; no other Practitioner template takes it";
  // An Organization without the clinic's type is not the clinic.
  const std::string hospital = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Organization","type":[{"text":"病院"}],"name":"中央病院"}}]})";
  EXPECT_EQ(mapping::renderLayout(*m, {hospital}).value(), "cm,clinic,doctor,when,at,units\r\n,,,,,\r\n");
}

TEST(MappingLayoutFeaturesTest, TextAroundEmptyPlaceholdersAndDecimalsAsWritten) {
  auto m = load(kTeam);
  ASSERT_NE(m, nullptr);
  auto out = mapping::mapFile(*m, "cm,clinic,doctor,when,at,units\r\n,,,20241103,0930,11.40\r\n", "t.csv");
  ASSERT_TRUE(out.ok() && out->records.size() == 1);
  const std::string& json = out->records[0].bundleJson;
  EXPECT_NE(json.find(R"("valueQuantity":{"value":11.40})"), std::string::npos) << "as written: " << json;
  EXPECT_NE(json.find(R"("effectiveDateTime":"2024-11-03T09:30:00+09:00")"), std::string::npos) << json;
  auto rendered = mapping::renderLayout(*m, {json});
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(rendered.value(), "cm,clinic,doctor,when,at,units\r\n,,,20241103,0930,11.40\r\n");

  out = mapping::mapFile(*m, "cm,clinic,doctor,when,at,units\r\n,,,20241103,9999,\r\n", "t.csv");
  ASSERT_TRUE(out.ok() && out->records.size() == 1);
  EXPECT_NE(out->records[0].bundleJson.find(R"("effectiveDateTime":"2024-11-03")"), std::string::npos)
      << "text after an empty placeholder is left out: " << out->records[0].bundleJson;
  rendered = mapping::renderLayout(*m, {out->records[0].bundleJson});
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(rendered.value(), "cm,clinic,doctor,when,at,units\r\n,,,20241103,,\r\n");
}

TEST(MappingParameters, TravelInTheNameAndComeBackOut) {
  const std::string named = mapping::withMappingParameters("a_ADT-22_b_1", {{"institution", "1312345678"}, {"ward", "5W"}});
  EXPECT_EQ(named, "a_ADT-22_b_1?institution=1312345678&ward=5W");
  const auto [name, parameters] = mapping::splitMappingParameters(named);
  EXPECT_EQ(name, "a_ADT-22_b_1");
  EXPECT_EQ(parameters, (mapping::MappingParameters{{"institution", "1312345678"}, {"ward", "5W"}}));
  EXPECT_EQ(mapping::splitMappingParameters("what?.csv").first, "what?.csv") << "a '?' of the name itself";
  EXPECT_EQ(mapping::withMappingParameters("x.csv", {}), "x.csv");
  EXPECT_TRUE(mapping::checkMappingParameters({{"institution", "1312345678"}}).ok());
  EXPECT_FALSE(mapping::checkMappingParameters({{"institution", "13 1234"}}).ok());
  EXPECT_FALSE(mapping::checkMappingParameters({{"a&b", "1"}}).ok());
}

TEST(MappingParameters, GiveTheInstitutionAMessageLeavesOut) {
  std::vector<mapping::MappingError> errors;
  const mapping::MappingSet set = mapping::MappingSet::load(mapping::defaultMappingsDir(), errors);
  ASSERT_TRUE(errors.empty());
  const mapping::Mapping* m = set.byId("ssmix2-adt-a08");
  ASSERT_NE(m, nullptr);
  const std::string message =
      "MSH|^~\\&|HIS|SEND|GW|RCV|20241122093000||ADT^A08^ADT_A01|M1|P|2.5||||||UNICODE UTF-8\r"
      "EVN||20241122093000\r"
      "PID|0001||0000123456^^^^PI||山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P||19400401|M\r";
  auto without = mapping::mapFile(*m, message, "0000123456_-_ADT-00_-_20241122093000000_-_1");
  ASSERT_TRUE(without.ok()) << without.status().message();
  EXPECT_TRUE(without->records.empty()) << "MSH-4 'SEND' is no institution code";
  auto with = mapping::mapFile(*m, message,
                               mapping::withMappingParameters("0000123456_-_ADT-00_-_20241122093000000_-_1",
                                                              {{"institution", "1312345678"}}));
  ASSERT_TRUE(with.ok()) << with.status().message();
  ASSERT_EQ(with->records.size(), 1u) << (with->issues.empty() ? "" : with->issues.front().message);
  EXPECT_NE(with->records[0].bundleJson.find("urn:oid:1.2.392.100495.20.3.51.11312345678"), std::string::npos);
}

TEST(MappingTrees, EveryGoldenCaseGivesTheTreeItsJsonReadsAs) {
  // MapMode::Trees (what the Normalizer maps with) must give what the JSON of MapMode::Bundles
  // reads as, for every golden case of every mapping.
  std::vector<mapping::MappingError> errors;
  const mapping::MappingSet set = mapping::MappingSet::load(mapping::defaultMappingsDir(), errors);
  ASSERT_TRUE(errors.empty());
  const fhir::ElementNavigator navigator(*coreDefinitions());
  int compared = 0;
  for (const auto& m : set.all()) {
    const std::filesystem::path golden = sourceDir() / "mappings" / m->id / "golden";
    if (!std::filesystem::is_directory(golden)) continue;
    for (const auto& caseDir : std::filesystem::directory_iterator(golden)) {
      if (!caseDir.is_directory()) continue;
      for (const auto& file : std::filesystem::directory_iterator(caseDir.path())) {
        if (file.path().stem() == "expected") continue;
        const std::string bytes = readText(file.path());
        const std::string name = file.path().filename().string();
        auto json = mapping::mapFile(*m, bytes, name);
        auto trees = mapping::mapFile(*m, bytes, name, {}, mapping::MapMode::Trees);
        ASSERT_EQ(json.ok(), trees.ok()) << file.path();
        if (!json.ok()) continue;
        ASSERT_EQ(json->records.size(), trees->records.size()) << file.path();
        for (std::size_t i = 0; i < json->records.size(); ++i) {
          auto read = fhir::readJson(json->records[i].bundleJson);
          ASSERT_TRUE(read.ok() && trees->records[i].bundle != nullptr) << file.path();
          EXPECT_TRUE(trees->records[i].bundleJson.empty());
          EXPECT_EQ(fhir::writeJson(*trees->records[i].bundle->root(), &navigator),
                    fhir::writeJson(*read.document->root(), &navigator))
              << file.path();
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 40);
}

}  // namespace
}  // namespace renkei::test

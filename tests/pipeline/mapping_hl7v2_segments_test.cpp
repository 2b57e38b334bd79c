// HL7 v2 mappings that make one resource per repeated segment (each_segment: every PRB with its
// ZPR, every ORC with its RXE), variants of one resource chosen by a condition (a withdrawn
// diagnosis, a cancelled file), HL7's explicit null, and the loader's checks of both.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "renkei/hl7v2/message.h"
#include "renkei/mapping/mapping_engine.h"

namespace renkei::test {
namespace {

const char* kProblems = R"json({"id": "problems", "version": "1",
  "layout": {"format": "hl7v2"},
  "match": {"file_names": ["*_PPR-01_*_{flag}"], "message_types": ["PPR^ZD1"]},
  "fields": {
    "flag": {"file": "flag", "transforms": ["default:1"]},
    "patient_id": {"path": "PID-3.1", "transforms": ["required"]},
    "action": {"path": "PRB-1"},
    "problem_id": {"path": "PRB-4.1", "transforms": ["required"]},
    "name": {"path": "PRB-3.2"},
    "exchange_code": {"path": "ZPR-5.1"},
    "onset": {"path": "PRB-16.1", "transforms": ["hl7_date"]},
    "outcome": {"path": "PRB-14.1", "transforms": ["default:active"]}},
  "resources": [
    {"key": "patient", "id_from": ["patient_id"],
     "template": {"resourceType": "Patient", "identifier": [{"system": "urn:pid", "value": "{patient_id}"}]}},
    {"key": "condition", "each_segment": "PRB", "id_from": ["patient_id", "problem_id"],
     "when": "%flag = '0' or %action = 'DE'",
     "template": {"resourceType": "Condition",
                  "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
                  "code": {"coding": [{"system": "urn:ex", "code": "{exchange_code}"}], "text": "{name}"},
                  "subject": {"reference": "{ref:patient}"}}},
    {"key": "condition", "each_segment": "PRB", "id_from": ["patient_id", "problem_id"],
     "template": {"resourceType": "Condition",
                  "clinicalStatus": {"coding": [{"code": "{outcome}"}]},
                  "code": {"coding": [{"system": "urn:ex", "code": "{exchange_code}"}], "text": "{name}"},
                  "subject": {"reference": "{ref:patient}"}, "onsetDateTime": "{onset}"}}]})json";

const std::string kHeader =
    "MSH|^~\\&|HIS|1312345678|GW|RCV|20241125||PPR^ZD1|1|P|2.5||||||~UTF-8\r"
    "PID|0001||0000123456^^^^PI\r";

/// A segment with the given fields (1-based) and nothing between them, ended by CR.
std::string segment(const std::string& id, std::initializer_list<std::pair<std::size_t, std::string>> fields) {
  std::vector<std::string> all(1);
  for (const auto& [at, text] : fields) {
    if (all.size() <= at) all.resize(at + 1);
    all[at] = text;
  }
  std::string out = id;
  for (std::size_t i = 1; i < all.size(); ++i) out += "|" + all[i];
  return out + "\r";
}

std::shared_ptr<const mapping::Mapping> load(const std::string& json) {
  std::vector<mapping::MappingError> errors;
  auto m = mapping::MappingSet::fromJson(json, "", errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].pointer + ": " + errors[0].message);
  return m;
}

std::vector<mapping::MappingError> loadErrors(const std::string& json) {
  std::vector<mapping::MappingError> errors;
  EXPECT_EQ(mapping::MappingSet::fromJson(json, "", errors), nullptr);
  return errors;
}

std::vector<const rapidjson::Value*> ofType(const rapidjson::Document& bundle, const std::string& type) {
  std::vector<const rapidjson::Value*> out;
  for (const auto& e : bundle["entry"].GetArray()) {
    if (type == e["resource"]["resourceType"].GetString()) out.push_back(&e["resource"]);
  }
  return out;
}

rapidjson::Document mapOne(const mapping::Mapping& m, const std::string& message, const std::string& name = "x.hl7") {
  rapidjson::Document bundle;
  auto out = mapping::mapFile(m, message, name);
  EXPECT_TRUE(out.ok()) << out.status().message();
  if (!out.ok()) return bundle;
  EXPECT_TRUE(out->issues.empty()) << (out->issues.empty() ? "" : out->issues[0].column + ": " + out->issues[0].message);
  EXPECT_EQ(out->records.size(), 1u);
  if (out->records.size() == 1) bundle.Parse(out->records[0].bundleJson.c_str());
  return bundle;
}

TEST(Hl7v2SegmentGroups, EachGroupHoldsItsOwnSegmentsAndTheHeader) {
  auto m = hl7v2::Message::parse(kHeader + "PRB|AD||^a|P1\rZPR|||||A1\rPRB|AD||^b|P2\rPRB|AD||^c|P3\rZPR|||||C3\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto groups = m->groups("PRB");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].line, 3u);
  EXPECT_EQ(groups[2].line, 6u);
  EXPECT_EQ(groups[0].message.value("ZPR-5").value(), "A1");
  EXPECT_EQ(groups[1].message.value("ZPR-5").value(), "") << "a group never borrows another group's ZPR";
  EXPECT_TRUE(groups[2].owns("ZPR"));
  EXPECT_FALSE(groups[2].owns("PID"));
  EXPECT_EQ(groups[1].message.value("PID-3.1").value(), "0000123456") << "the header is read through every group";
  EXPECT_EQ(groups[1].message.type(), "PPR^ZD1");
  EXPECT_TRUE(m->groups("IAM").empty());
}

TEST(MappingEachSegment, OneResourcePerSegmentWithItsOwnFollowingSegments) {
  auto m = load(kProblems);
  ASSERT_NE(m, nullptr);
  auto bundle = mapOne(*m, kHeader +
                               segment("PRB", {{1, "AD"}, {3, "^胃炎"}, {4, "P1"}, {16, "20241101"}}) + "ZPR|||||TSQF\r" +
                               segment("PRB", {{1, "AD"}, {3, "^不眠症"}, {4, "P2"}, {14, "G"}}) +
                               "PRB|DE||^膝関節症|P3\rZPR|||||XXXX\r");
  ASSERT_TRUE(bundle.IsObject());
  ASSERT_EQ(ofType(bundle, "Patient").size(), 1u);
  auto conditions = ofType(bundle, "Condition");
  ASSERT_EQ(conditions.size(), 3u) << "one per PRB, in their order";
  const rapidjson::Value& first = *conditions[0];
  EXPECT_STREQ(first["code"]["text"].GetString(), "胃炎");
  EXPECT_STREQ(first["code"]["coding"][0]["code"].GetString(), "TSQF");
  EXPECT_STREQ(first["onsetDateTime"].GetString(), "2024-11-01");
  EXPECT_STREQ(first["clinicalStatus"]["coding"][0]["code"].GetString(), "active");
  const rapidjson::Value& second = *conditions[1];
  EXPECT_FALSE(second["code"].HasMember("coding")) << "P2 has no ZPR of its own";
  EXPECT_STREQ(second["clinicalStatus"]["coding"][0]["code"].GetString(), "G");
  const rapidjson::Value& third = *conditions[2];
  EXPECT_FALSE(third.HasMember("clinicalStatus")) << "DE takes the withdrawn variant";
  EXPECT_STREQ(third["verificationStatus"]["coding"][0]["code"].GetString(), "entered-in-error");
  const std::string patientUrl = bundle["entry"][0]["fullUrl"].GetString();
  for (const auto* c : conditions) EXPECT_EQ(patientUrl, (*c)["subject"]["reference"].GetString());
}

TEST(MappingEachSegment, AWithdrawalNamesTheResourceItWithdraws) {
  auto m = load(kProblems);
  ASSERT_NE(m, nullptr);
  auto added = mapOne(*m, kHeader + "PRB|AD||^胃炎|P1\rPRB|AD||^不眠症|P2\r");
  auto withdrawn = mapOne(*m, kHeader + "PRB|DE||^胃炎|P1\r");
  auto cancelled = mapOne(*m, kHeader + "PRB|AD||^不眠症|P2\r", "0000123456_-_PPR-01_1_20241125_01_0");
  ASSERT_TRUE(added.IsObject() && withdrawn.IsObject() && cancelled.IsObject());
  auto a = ofType(added, "Condition");
  auto w = ofType(withdrawn, "Condition");
  auto c = ofType(cancelled, "Condition");
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(w.size(), 1u);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_STREQ((*a[0])["id"].GetString(), (*w[0])["id"].GetString()) << "ids come from the problem id, not the position";
  EXPECT_STREQ((*a[1])["id"].GetString(), (*c[0])["id"].GetString());
  EXPECT_STREQ((*c[0])["verificationStatus"]["coding"][0]["code"].GetString(), "entered-in-error")
      << "condition flag 0 in the file name";
}

TEST(MappingEachSegment, ARefusedValueNamesItsSegmentsLineAndRefusesTheMessage) {
  auto m = load(kProblems);
  ASSERT_NE(m, nullptr);
  auto out = mapping::mapFile(*m, kHeader + "PRB|AD||^胃炎|P1\r" + segment("PRB", {{1, "AD"}, {3, "^不眠症"}, {16, "20241341"}}), "x.hl7");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(out->records.empty());
  ASSERT_EQ(out->issues.size(), 2u);
  EXPECT_EQ(out->issues[0].line, 4);
  EXPECT_EQ(out->issues[0].column, "PRB-4.1");
  EXPECT_EQ(out->issues[1].column, "PRB-16.1");
  EXPECT_EQ(out->issues[1].message.find("20241341"), std::string::npos) << "no values in issues";
}

TEST(MappingEachSegment, AnExplicitNullIsNoValue) {
  auto m = load(kProblems);
  ASSERT_NE(m, nullptr);
  auto bundle = mapOne(*m, kHeader + segment("PRB", {{1, "AD"}, {3, "^胃炎"}, {4, "P1"}, {14, "\"\""}, {16, "\"\""}}) + "ZPR|||||\"\"\r");
  ASSERT_TRUE(bundle.IsObject());
  auto conditions = ofType(bundle, "Condition");
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_FALSE((*conditions[0])["code"].HasMember("coding"));
  EXPECT_FALSE(conditions[0]->HasMember("onsetDateTime"));
  EXPECT_STREQ((*conditions[0])["clinicalStatus"]["coding"][0]["code"].GetString(), "active")
      << "\"\" then default: the null is empty, not the text \"\"";
}

TEST(MappingEachSegment, TheLoaderChecksSegmentsReferencesAndVariants) {
  std::string csv = kProblems;
  csv.replace(csv.find("\"format\": \"hl7v2\""), 17, "\"format\": \"csv\", \"encoding\": \"utf-8\", \"columns\": [\"a\"]");
  bool segmentsOnlyInHl7 = false;
  for (const auto& e : loadErrors(csv)) segmentsOnlyInHl7 = segmentsOnlyInHl7 || e.pointer == "/resources/1/each_segment";
  EXPECT_TRUE(segmentsOnlyInHl7);

  std::string backwards = kProblems;
  backwards.replace(backwards.find("\"identifier\": [{\"system\": \"urn:pid\""), 0,
                    "\"link\": [{\"other\": {\"reference\": \"{ref:condition}\"}, \"type\": \"seealso\"}], ");
  auto errors = loadErrors(backwards);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/resources/0/template");
  EXPECT_NE(errors[0].message.find("made per PRB"), std::string::npos) << errors[0].message;

  std::string noCondition = kProblems;
  noCondition.erase(noCondition.find("\"when\": \"%flag"), std::string("\"when\": \"%flag = '0' or %action = 'DE'\",").size());
  bool needsCondition = false;
  for (const auto& e : loadErrors(noCondition)) needsCondition = needsCondition || e.pointer == "/resources/1/when";
  EXPECT_TRUE(needsCondition) << "every variant but the last needs a `when`";

  std::string badPath = kProblems;
  badPath.replace(badPath.find("\"PRB-16.1\""), 10, "\"PRB-16.0\"");
  errors = loadErrors(badPath);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/fields/onset/path") << "a path that is not one is refused when the mapping loads";

  std::string otherType = kProblems;
  otherType.replace(otherType.rfind("\"resourceType\": \"Condition\""), 27, "\"resourceType\": \"Observation\"");
  errors = loadErrors(otherType);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/resources/2");
}

TEST(MappingEachSegment, TwoSegmentsMakingOneResourceMustSayTheSame) {
  auto m = load(kProblems);
  ASSERT_NE(m, nullptr);
  auto same = mapOne(*m, kHeader + "PRB|AD||^胃炎|P1\rPRB|AD||^胃炎|P1\r");
  ASSERT_TRUE(same.IsObject());
  EXPECT_EQ(ofType(same, "Condition").size(), 1u) << "the same diagnosis twice is one Condition";
  auto out = mapping::mapFile(*m, kHeader + "PRB|AD||^胃炎|P1\rPRB|AD||^不眠症|P1\r", "x.hl7");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_TRUE(out->records.empty()) << "not one of the two diagnoses silently";
  ASSERT_EQ(out->issues.size(), 1u);
  EXPECT_NE(out->issues[0].message.find("PRB segments 1 and 2"), std::string::npos) << out->issues[0].message;
  EXPECT_EQ(out->issues[0].message.find("胃炎"), std::string::npos) << "no values in issues";
}

TEST(MappingHl7v2Paths, AlternativesGiveTheFirstValue) {
  std::string json = kProblems;
  json.replace(json.find("\"path\": \"PRB-3.2\""), 17, "\"path\": [\"PRB-3.2\", \"PRB-3.5\"]");
  auto m = load(json);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->fields[m->fieldIndex->at("name")].path, "PRB-3.2 or PRB-3.5");
  auto bundle = mapOne(*m, kHeader + "PRB|AD||^胃炎|P1\rPRB|AD||^^^^不眠症|P2\rPRB|AD||^^^^膝関節症|P3\r");
  ASSERT_TRUE(bundle.IsObject());
  auto conditions = ofType(bundle, "Condition");
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_STREQ((*conditions[0])["code"]["text"].GetString(), "胃炎");
  EXPECT_STREQ((*conditions[1])["code"]["text"].GetString(), "不眠症") << "the second path when the first is empty";

  std::string twoSegments = kProblems;
  twoSegments.replace(twoSegments.find("\"path\": \"PRB-3.2\""), 17, "\"path\": [\"PRB-3.2\", \"ZPR-3.1\"]");
  auto fromZpr = load(twoSegments);
  ASSERT_NE(fromZpr, nullptr);
  auto named = mapOne(*fromZpr, kHeader + "PRB|AD||^胃炎|P1\rPRB|AD|||P2\rZPR|||不眠症\r");
  auto both = ofType(named, "Condition");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_STREQ((*both[1])["code"]["text"].GetString(), "不眠症") << "an alternative in the group's other segment";

  std::string badAlternative = kProblems;
  badAlternative.replace(badAlternative.find("\"path\": \"PRB-3.2\""), 17, "\"path\": [\"PRB-3.2\", \"ZPR-0\"]");
  auto errors = loadErrors(badAlternative);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].pointer, "/fields/name/path/1");
}

TEST(MappingPick, AnSsMix2FileIsTakenByItsDataTypeNeverByItsMessageType) {
  std::vector<mapping::MappingError> errors;
  const mapping::MappingSet set = mapping::MappingSet::load(mapping::defaultMappingsDir(), errors);
  ASSERT_TRUE(errors.empty());
  const std::string rde = "MSH|^~\\&|HIS|1312345678|GW|RCV|20241125||RDE^O11^RDE_O11|1|P|2.5\rPID|0001||1^^^^PI\r";
  const mapping::Mapping* byType = set.pick("order.hl7", rde);
  ASSERT_NE(byType, nullptr);
  EXPECT_EQ(byType->id, "ssmix2-rde-o11");
  EXPECT_EQ(set.pick("/s/1/20241125/OMP-01/1_20241125_OMP-01_000000000000001_20241125100000000_01_1", rde), byType);
  EXPECT_EQ(set.pick("/s/1/20241125/OMP-02/1_20241125_OMP-02_000000000000001_20241125100000000_01_1", rde), nullptr)
      << "injections (OMP-02) are RDE^O11 too, but no mapping takes them";
  const std::string a08 = "MSH|^~\\&|HIS|1312345678|GW|RCV|20241125||ADT^A08^ADT_A01|1|P|2.5\rPID|0001||1^^^^PI\r";
  const mapping::Mapping* patient = set.pick("", "\xEF\xBB\xBF\r\n" + a08);
  ASSERT_NE(patient, nullptr) << "a byte order mark and blank lines before MSH";
  EXPECT_EQ(patient->id, "ssmix2-adt-a08");
}

}  // namespace
}  // namespace renkei::test

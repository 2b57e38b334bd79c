// Mapping templates both ways: what is left empty is dropped (leaves, then elements, then
// arrays), text around placeholders, typed placeholders, per-row array elements, references;
// and matching a resource back to the values, finding array elements by their constants; and each
// record's own bytes of a file mapping alone to the same record.
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include "mapping/record_template.h"
#include "renkei/mapping/mapping_engine.h"

namespace renkei::test {
namespace {

using mapping::RecordValues;

std::string built(const std::string& templ, const RecordValues& values) {
  rapidjson::Document t;
  t.Parse(templ.c_str());
  rapidjson::Document out;
  rapidjson::Value v = mapping::buildFromTemplate(mapping::compileTemplate(t), values, out.GetAllocator());
  if (v.IsNull()) return "null";
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

const char* kPatient = R"({"resourceType":"Patient",
  "identifier":[{"system":"urn:a","value":"{insurer}:{insured}"},{"system":"urn:b","value":"{other}"}],
  "name":[{"extension":[{"url":"urn:rep","valueCode":"IDE"}],"text":"{family} {given}","family":"{family}"},
          {"extension":[{"url":"urn:rep","valueCode":"SYL"}],"text":"{kana}"}],
  "multipleBirthInteger":"{order:number}","active":"{active:boolean}",
  "generalPractitioner":[{"reference":"{ref:doctor}"}]})";

TEST(MappingTemplateTest, DropsWhatHasNoValueAndKeepsConstantsOfFilledElements) {
  RecordValues v = RecordValues::fromMaps({{{"insurer", "131128"}, {"insured", "0000123456"}, {"family", "連携"},
                                             {"given", ""}, {"kana", ""}, {"order", "2"}, {"active", "true"}}});
  EXPECT_EQ(built(kPatient, v),
            R"({"resourceType":"Patient","identifier":[{"system":"urn:a","value":"131128:0000123456"}],)"
            R"("name":[{"extension":[{"url":"urn:rep","valueCode":"IDE"}],"text":"連携","family":"連携"}],)"
            R"("multipleBirthInteger":2,"active":true})");
  v.refs["doctor"] = {"urn:uuid:1"};
  EXPECT_NE(built(kPatient, v).find(R"("generalPractitioner":[{"reference":"urn:uuid:1"}])"), std::string::npos);
  EXPECT_EQ(built(R"({"a":{"b":"{x}","c":"constant"}})", RecordValues::fromMaps({{{"x", ""}}})), "null")
      << "an object whose placeholders are all empty goes with its constants";
}

TEST(MappingTemplateTest, PerRowElementsAreRepeatedForEachRow) {
  RecordValues v = RecordValues::fromMaps(
      {{{"plan", "P1"}, {"goal", "歩く"}}, {{"plan", "P1"}, {"goal", "食べる"}}, {{"plan", "P1"}, {"goal", ""}}}, {"goal"});
  EXPECT_EQ(built(R"({"id":"{plan}","goal":[{"description":{"text":"{goal}"}}]})", v),
            R"({"id":"P1","goal":[{"description":{"text":"歩く"}},{"description":{"text":"食べる"}}]})");
}

TEST(MappingTemplateTest, MatchingFindsTheValuesBackWhateverTheOrder) {
  rapidjson::Document t, data;
  t.Parse(kPatient);
  data.Parse(R"({"resourceType":"Patient",
    "name":[{"extension":[{"url":"urn:rep","valueCode":"SYL"}],"text":"レンケイ タロウ"},
            {"extension":[{"url":"urn:rep","valueCode":"IDE"}],"text":"連携 太郎","family":"連携"}],
    "identifier":[{"system":"urn:other","value":"x"},{"system":"urn:a","value":"131128:0000123456"}],
    "multipleBirthInteger":2})");
  mapping::Bindings b;
  ASSERT_TRUE(mapping::matchTemplate(t, data, {}, b));
  EXPECT_EQ(b.once["insurer"], "131128");
  EXPECT_EQ(b.once["insured"], "0000123456");
  EXPECT_EQ(b.once["family"], "連携");
  EXPECT_EQ(b.once["given"], "太郎");
  EXPECT_EQ(b.once["kana"], "レンケイ タロウ") << "the kana name is found by its SYL extension";
  EXPECT_EQ(b.once["order"], "2");
  EXPECT_EQ(b.once.count("other"), 0u);
}

TEST(MappingTemplateTest, MatchingCollectsOneInstancePerRowElement) {
  rapidjson::Document t, data;
  t.Parse(R"({"resourceType":"CarePlan","id":"{plan}","goal":[{"description":{"text":"{goal}"}}]})");
  data.Parse(R"({"resourceType":"CarePlan","id":"P1","goal":[{"description":{"text":"歩く"}},{"description":{"text":"食べる"}}]})");
  mapping::Bindings b;
  ASSERT_TRUE(mapping::matchTemplate(t, data, {"goal"}, b));
  ASSERT_EQ(b.perRow.size(), 2u);
  EXPECT_EQ(b.perRow[0]["goal"], "歩く");
  EXPECT_EQ(b.perRow[1]["goal"], "食べる");
  EXPECT_EQ(b.once["plan"], "P1");
}

TEST(MappingTemplateTest, AResourceOfAnotherTypeDoesNotMatch) {
  rapidjson::Document t, data;
  t.Parse(kPatient);
  data.Parse(R"({"resourceType":"Practitioner","name":[{"text":"x"}]})");
  mapping::Bindings b;
  EXPECT_FALSE(mapping::matchTemplate(t, data, {}, b));
}

}  // namespace
}  // namespace renkei::test

namespace renkei::test {
namespace {

TEST(MappingRecordSlices, EachRecordsBytesMapAloneToTheSameRecord) {
  std::vector<mapping::MappingError> errors;
  auto m = mapping::MappingSet::fromJson(R"({"id": "slices", "version": "1",
    "layout": {"format": "csv", "encoding": "utf-8", "columns": ["key", "note"]},
    "records": {"group_by": ["key"]},
    "fields": {"key": {"column": "key"}, "note": {"column": "note", "per_row": true}},
    "resources": [{"key": "p", "id_from": ["key"],
                   "template": {"resourceType": "Basic", "id": "{key}", "extension": [{"url": "urn:note", "valueString": "{note}"}]}}]})",
                                         "", errors);
  ASSERT_NE(m, nullptr) << (errors.empty() ? "" : errors[0].message);
  // Rows of record A are not next to each other, one note spans two lines, the file ends without
  // a line end.
  const std::string file = "key,note\r\nA,first\r\nB,\"two\r\nlines\"\r\n\r\nA,second\r\nB,last";
  auto whole = mapping::mapFile(*m, file);
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->records.size(), 2u);
  const std::vector<std::string> slices = mapping::recordSlices(file, whole.value());
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(slices[0], "key,note\r\nA,first\r\nA,second\r\n");
  EXPECT_EQ(slices[1], "key,note\r\nB,\"two\r\nlines\"\r\n\r\nB,last\r\n");
  for (std::size_t i = 0; i < slices.size(); ++i) {
    auto alone = mapping::mapFile(*m, slices[i]);
    ASSERT_TRUE(alone.ok());
    ASSERT_EQ(alone->records.size(), 1u);
    EXPECT_EQ(alone->records[0].bundleJson, whole->records[i].bundleJson);
  }
}

}  // namespace
}  // namespace renkei::test

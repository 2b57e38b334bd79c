// JSON and XML writers: canonical (definition-ordered, deterministic) output, exact decimals,
// primitive extensions, and the JSON → XML → JSON fixed point.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "support/test_env.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/run_copying_writer.h"
#include "renkei/fhir/xml_reader.h"
#include "renkei/fhir/xml_writer.h"

namespace renkei::fhir {
namespace {

class Writers : public ::testing::Test {
 protected:
  Writers() : nav_(*test::coreDefinitions()) {}

  std::string jsonToJson(const std::string& json) {
    auto r = readJson(json);
    EXPECT_TRUE(r.ok()) << r.status.message();
    return r.ok() ? writeJson(*r.document->root(), &nav_) : std::string();
  }
  std::string jsonToXml(const std::string& json) {
    auto r = readJson(json);
    EXPECT_TRUE(r.ok()) << r.status.message();
    auto x = writeXml(*r.document->root(), nav_);
    EXPECT_TRUE(x.ok()) << x.status().message();
    return x.ok() ? x.value() : std::string();
  }
  std::string xmlToJson(const std::string& xml) {
    auto r = readXml(xml);
    EXPECT_TRUE(r.ok()) << r.status.message();
    return r.ok() ? writeJson(*r.document->root(), &nav_) : std::string();
  }

  ElementNavigator nav_;
};

constexpr const char* kObservation = R"({
  "valueQuantity": {"unit": "mmHg", "value": 120.50, "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
  "status": "final",
  "resourceType": "Observation",
  "code": {"text": "血圧 <収縮期>"},
  "referenceRange": [{"low": {"value": 1.0e0}}],
  "note": [{"text": "line1\nline2\t\"quoted\""}],
  "component": [{"code": {"text": "c"}, "valueBoolean": false}, {"code": {"text": "d"}, "valueInteger": -7}]
})";

TEST_F(Writers, JsonOutputIsInDefinitionOrderWithExactNumbers) {
  std::string out = jsonToJson(kObservation);
  EXPECT_EQ(out.find("\"resourceType\":\"Observation\""), 1u);
  EXPECT_LT(out.find("\"status\""), out.find("\"code\""));
  EXPECT_LT(out.find("\"code\""), out.find("\"valueQuantity\""));
  EXPECT_NE(out.find("\"value\":120.50"), std::string::npos);
  EXPECT_NE(out.find("\"value\":1.0e0"), std::string::npos);
  EXPECT_NE(out.find("\"valueBoolean\":false"), std::string::npos);
  EXPECT_NE(out.find("\"valueInteger\":-7"), std::string::npos);
  EXPECT_EQ(out, jsonToJson(out)) << "canonical output is a fixed point";
}

TEST_F(Writers, JsonToXmlToJsonIsAFixedPoint) {
  std::string canonical = jsonToJson(kObservation);
  std::string xml = jsonToXml(canonical);
  EXPECT_NE(xml.find("<value value=\"120.50\"/>"), std::string::npos);
  EXPECT_NE(xml.find("line1&#10;line2&#9;&quot;quoted&quot;"), std::string::npos);
  EXPECT_NE(xml.find("血圧 &lt;収縮期&gt;"), std::string::npos);
  EXPECT_EQ(xmlToJson(xml), canonical);
}

TEST_F(Writers, PrimitiveExtensionsSurviveBothFormats) {
  std::string json = R"({"resourceType":"Patient","name":[{"family":"Yamada","given":["Taro",null],
    "_given":[null,{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier",
    "valueCode":"IN"}]}]}],"_birthDate":{"id":"bd","extension":[{"url":
    "http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1970-01-01T10:00:00+09:00"}]}})";
  std::string canonical = jsonToJson(json);
  EXPECT_NE(canonical.find("\"given\":[\"Taro\",null]"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("\"_given\":[null,{"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("\"_birthDate\":{\"id\":\"bd\""), std::string::npos) << canonical;
  std::string xml = jsonToXml(canonical);
  EXPECT_NE(xml.find("<birthDate id=\"bd\"><extension url="), std::string::npos) << xml;
  EXPECT_EQ(xmlToJson(xml), canonical);
}

TEST_F(Writers, NarrativeAndContainedResourcesRoundTrip) {
  std::string json = R"({"resourceType":"Patient","text":{"status":"generated","div":
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>連携 &amp; 介護</p></div>"},"contained":[
    {"resourceType":"Organization","id":"o1","name":"訪問看護ステーション"}],
    "managingOrganization":{"reference":"#o1"}})";
  std::string canonical = jsonToJson(json);
  std::string xml = jsonToXml(canonical);
  EXPECT_NE(xml.find("<contained><Organization><id value=\"o1\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>連携 &amp; 介護</p></div>"),
            std::string::npos);
  EXPECT_EQ(xmlToJson(xml), canonical);
}

TEST_F(Writers, XmlWriterRefusesElementsItCannotPlace) {
  auto r = readJson(R"({"resourceType":"Patient","nickname":"x"})");
  ASSERT_TRUE(r.ok());
  auto x = writeXml(*r.document->root(), nav_);
  ASSERT_FALSE(x.ok());
  EXPECT_NE(x.status().message().find("nickname"), std::string::npos);
}

TEST_F(Writers, OutputIsDeterministic) {
  EXPECT_EQ(jsonToJson(kObservation), jsonToJson(kObservation));
  EXPECT_EQ(jsonToXml(kObservation), jsonToXml(kObservation));
}

}  // namespace
}  // namespace renkei::fhir

namespace renkei::fhir {
namespace {

/// What a writer makes of one object with `text` as a key and as a value.
template <typename W>
std::string written(const std::string& text) {
  rapidjson::StringBuffer buffer;
  W w(buffer);
  w.StartObject();
  w.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

TEST(RunCopyingWriter, WritesWhatRapidjsonWritesForEveryByte) {
  std::string every;
  for (int c = 1; c < 256; ++c) every += static_cast<char>(c);
  const std::vector<std::string> texts = {"", "a", "\"", "\\", "line\nbreak\ttab\r\b\f", std::string(1, '\x1f'),
                                          "連携シート（北区）", "ab\x01" "cd", every, every + every, "\x7f/</"};
  for (const std::string& t : texts) {
    EXPECT_EQ(written<RunCopyingWriter>(t), written<rapidjson::Writer<rapidjson::StringBuffer>>(t)) << t;
  }
  EXPECT_EQ(written<RunCopyingWriter>("a\x01\"b"), R"({"a\u0001\"b":"a\u0001\"b"})");
}

TEST(RunCopyingWriter, FindsAnEscapeAtEveryPlaceOfALongString) {
  // Long strings are scanned eight bytes at a time: each escape must be found wherever it falls.
  // (rapidjson's own SSE4.2 scan misses 0x1A-0x1F in long strings, so JSON is the reference here.)
  const std::vector<std::pair<char, std::string>> escapes = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\0', "\\u0000"}, {'\x1f', "\\u001F"}, {'\x1a', "\\u001A"}, {'\n', "\\n"}};
  for (const char plain : {'x', '\x7f', '\xe3', ' '}) {
    for (const auto& [special, escaped] : escapes) {
      for (std::size_t at = 0; at < 24; ++at) {
        std::string t(24, plain);
        t[at] = special;
        const std::string json = "\"" + std::string(24 - 1, plain).insert(at, escaped) + "\"";
        EXPECT_EQ(written<RunCopyingWriter>(t), "{" + json + ":" + json + "}")
            << "byte " << static_cast<int>(special) << " at " << at;
      }
    }
  }
}

TEST(RunCopyingWriter, ThePrettyWriterEscapesEveryControlCharacterToo) {
  // A whole aligned run of 0x1A-0x1F with nothing else to escape is what rapidjson's SIMD scan
  // lets through; the text must stay JSON in both writers.
  std::string t(64, 'x');
  for (std::size_t i = 16; i < 32; ++i) t[i] = static_cast<char>(0x1A + (i % 6));
  for (const std::string& json : {written<RunCopyingWriter>(t), written<RunCopyingPrettyWriter>(t)}) {
    EXPECT_EQ(json.find('\x1c'), std::string::npos) << "a raw control character in JSON";
    rapidjson::Document d;
    d.Parse(json.c_str(), json.size());
    ASSERT_FALSE(d.HasParseError()) << json;
    EXPECT_EQ(std::string(d.MemberBegin()->value.GetString(), d.MemberBegin()->value.GetStringLength()), t);
  }
}

}  // namespace
}  // namespace renkei::fhir

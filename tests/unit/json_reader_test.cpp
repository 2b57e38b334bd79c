// FHIR JSON reading: exact decimals, `_name` merging, limits and errors with line:column.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"

namespace renkei::fhir {
namespace {

const Node* path(const Node* n, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    n = n ? n->child(name) : nullptr;
  }
  return n;
}

TEST(JsonReader, KeepsDecimalTextExactly) {
  auto r = readJson(R"({"resourceType":"Observation","valueQuantity":{"value":1.50},
                       "referenceRange":[{"low":{"value":1.0e0}},{"high":{"value":-0.000}}]})");
  ASSERT_TRUE(r.ok()) << r.status.message();
  const Node* root = r.document->root();
  EXPECT_EQ(path(root, {"valueQuantity", "value"})->value, "1.50");
  EXPECT_EQ(path(root, {"valueQuantity", "value"})->kind, ValueKind::Number);
  const Node* rr = root->child("referenceRange");
  EXPECT_EQ(path(rr, {"low", "value"})->value, "1.0e0");
  EXPECT_EQ(path(rr->next, {"high", "value"})->value, "-0.000");
}

TEST(JsonReader, MergesUnderscorePrimitiveExtensionsInEitherOrder) {
  auto r = readJson(R"({"resourceType":"Patient","_birthDate":{"id":"b1"},"birthDate":"1970",
    "name":[{"given":["Ann",null,"Bo"],"_given":[null,{"extension":[{"url":"http://x.org/e",
    "valueString":"v"}]},{"id":"g3"}]}]})");
  ASSERT_TRUE(r.ok()) << r.status.message();
  const Node* root = r.document->root();
  const Node* bd = root->child("birthDate");
  ASSERT_NE(bd, nullptr);
  EXPECT_EQ(bd->value, "1970");
  EXPECT_EQ(bd->childValue("id"), "b1");
  EXPECT_EQ(bd->next, root->child("name")) << "one node for birthDate and _birthDate";
  std::vector<const Node*> given;
  for (const Node& c : root->child("name")->children()) {
    if (c.name == "given") given.push_back(&c);
  }
  ASSERT_EQ(given.size(), 3u);
  EXPECT_EQ(given[0]->value, "Ann");
  EXPECT_FALSE(given[1]->hasValue());
  EXPECT_NE(given[1]->child("extension"), nullptr);
  EXPECT_EQ(given[2]->value, "Bo");
  EXPECT_EQ(given[2]->childValue("id"), "g3");
  EXPECT_TRUE(r.document->issues().empty());
}

TEST(JsonReader, DuplicateKeyIsAnErrorWithPosition) {
  auto r = readJson("{\n  \"resourceType\": \"Patient\",\n  \"active\": true,\n  \"active\": false\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.code(), StatusCode::InvalidInput);
  EXPECT_EQ(r.position.line, 4u);
  EXPECT_EQ(r.position.column, 3u);
  EXPECT_NE(r.status.message().find("duplicate JSON property 'active'"), std::string::npos);
}

TEST(JsonReader, SyntaxErrorReportsLineAndColumn) {
  auto r = readJson("{\n \"resourceType\": \"Patient\",\n \"active\": tru\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.position.line, 3u);
  EXPECT_NE(r.status.message().find("line 3"), std::string::npos);
}

TEST(JsonReader, NestingBeyondTheLimitIsRefused) {
  std::string deep = R"({"resourceType":"Basic","extension":[)";
  std::string close;
  for (int i = 0; i < 200; ++i) {
    deep += R"({"url":"http://x.org/e","extension":[)";
    close += "]}";
  }
  deep += close + "]}";
  ReadOptions o;
  o.maxDepth = 64;
  auto r = readJson(deep, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.code(), StatusCode::TooLarge);
  EXPECT_NE(r.status.message().find("nesting"), std::string::npos);
}

TEST(JsonReader, InputBeyondTheSizeLimitIsRefusedBeforeParsing) {
  ReadOptions o;
  o.maxBytes = 16;
  auto r = readJson(R"({"resourceType":"Patient","active":true})", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.code(), StatusCode::TooLarge);
}

TEST(JsonReader, EmptyArraysNullsAndEmptyObjectsBecomeIssues) {
  auto r = readJson(R"({"resourceType":"Patient","name":[],"gender":null,"maritalStatus":{}})");
  ASSERT_TRUE(r.ok());
  const auto& issues = r.document->issues();
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].expression, "Patient.name");
  EXPECT_NE(issues[0].message.find("Array cannot be empty"), std::string::npos);
  EXPECT_EQ(issues[1].expression, "Patient.gender");
  EXPECT_EQ(issues[2].expression, "Patient.maritalStatus");
}

TEST(JsonReader, RejectsMissingResourceTypeCommentsAndNulBytes) {
  EXPECT_FALSE(readJson(R"({"id":"x"})").ok());
  EXPECT_FALSE(readJson("[1,2]").ok());
  EXPECT_FALSE(readJson("{\"resourceType\":\"Patient\"} // trailing").ok());
  EXPECT_FALSE(readJson(std::string("{\"resourceType\":\"Patient\"}\0", 27)).ok());
  ReadOptions withComments;
  withComments.allowComments = true;
  EXPECT_TRUE(readJson("{\"resourceType\":\"Patient\" /* note */}", withComments).ok());
}

TEST(JsonReader, AcceptsByteOrderMarkAndKeepsOffsets) {
  auto r = readJson("\xEF\xBB\xBF{\"resourceType\":\"Patient\",\n\"active\":true}");
  ASSERT_TRUE(r.ok());
  const Node* active = r.document->root()->child("active");
  EXPECT_EQ(r.document->position(active->offset).line, 2u);
}

TEST(JsonReader, ContainedResourcesCarryTheirType) {
  auto r = readJson(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization",
                       "id":"o1"}],"managingOrganization":{"reference":"#o1"}})");
  ASSERT_TRUE(r.ok());
  const Node* c = r.document->root()->child("contained");
  EXPECT_EQ(c->resourceType, "Organization");
  EXPECT_EQ(c->childValue("id"), "o1");
}

TEST(JsonReader, StreamsBundleEntriesOneAtATime) {
  std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (int i = 0; i < 50; ++i) {
    bundle += std::string(i ? "," : "") + R"({"resource":{"resourceType":"Patient","id":"p)" +
              std::to_string(i) + R"("}})";
  }
  bundle += "]}";
  int seen = 0;
  Status st = streamBundleResources(bundle, {}, [&](const Node& r) {
    EXPECT_EQ(r.resourceType, "Patient");
    EXPECT_EQ(r.childValue("id"), "p" + std::to_string(seen));
    ++seen;
  });
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(seen, 50);
}

}  // namespace
}  // namespace renkei::fhir

namespace renkei::fhir {
namespace {

TEST(JsonReader, ResourceTypeIsAnOrdinaryElementOutsideResourcePositions) {
  auto r = readJson(R"({"resourceType":"ExampleScenario","instance":[{"resourceId":"a",
                       "resourceType":"Patient"}],"contained":[{"resourceType":"Basic"}]})");
  ASSERT_TRUE(r.ok()) << r.status.message();
  const Node* instance = r.document->root()->child("instance");
  EXPECT_FALSE(instance->isResource());
  EXPECT_EQ(instance->childValue("resourceType"), "Patient");
  EXPECT_EQ(r.document->root()->child("contained")->resourceType, "Basic");
}

}  // namespace
}  // namespace renkei::fhir

namespace renkei::fhir {
namespace {

/// A JSON text parsed by rapidjson and given to a JsonTreeSink as events.
ReadResult sunk(const char* text, const ReadOptions& options = {}) {
  rapidjson::Document value;
  value.Parse(text);
  JsonTreeSink sink(options);
  value.Accept(sink);
  return sink.finish();
}

TEST(JsonTreeSink, BuildsTheTreeReadJsonBuildsWithoutPositions) {
  const char* text = R"({"resourceType":"Bundle","type":"collection","total":3,"entry":[{"fullUrl":"urn:uuid:1",
      "resource":{"resourceType":"Patient","active":true,"birthDate":"1940-04-01","_birthDate":{"id":"b"},
      "name":[{"given":["花子",null],"_given":[null,{"id":"g"}]}]}}],"link":[]})";
  auto fromText = readJson(text);
  auto fromEvents = sunk(text);
  ASSERT_TRUE(fromText.ok() && fromEvents.ok()) << fromEvents.status.message();
  const ElementNavigator* none = nullptr;
  EXPECT_EQ(writeJson(*fromEvents.document->root(), none), writeJson(*fromText.document->root(), none));
  const Node* patient = path(fromEvents.document->root(), {"entry", "resource"});
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(patient->resourceType, "Patient");
  EXPECT_EQ(path(patient, {"birthDate", "id"})->value, "b") << "`_birthDate` merges into its element";
  EXPECT_EQ(path(fromEvents.document->root(), {"total"})->kind, ValueKind::Number);
  ASSERT_EQ(fromEvents.document->issues().size(), 1u) << "the empty array";
  EXPECT_EQ(fromEvents.document->issues()[0].expression, "Bundle.link");
  EXPECT_EQ(fromEvents.document->issues()[0].offset, kNoOffset) << "made in memory: no place in a text";
}

TEST(JsonTreeSink, NumbersAreWrittenAsTheirTextAndLimitsHold) {
  rapidjson::Document value(rapidjson::kObjectType);
  auto& a = value.GetAllocator();
  value.AddMember("resourceType", "Observation", a);
  rapidjson::Value quantity(rapidjson::kObjectType);
  quantity.AddMember("value", 1.5, a);
  quantity.AddMember("comparator", "<", a);
  value.AddMember("valueQuantity", quantity, a);
  value.AddMember("count", static_cast<int64_t>(-12), a);
  JsonTreeSink sink;
  ASSERT_TRUE(value.Accept(sink));
  auto r = sink.finish();
  ASSERT_TRUE(r.ok()) << r.status.message();
  EXPECT_EQ(path(r.document->root(), {"valueQuantity", "value"})->value, "1.5");
  EXPECT_EQ(path(r.document->root(), {"count"})->value, "-12");

  ReadOptions shallow;
  shallow.maxDepth = 2;
  auto deep = sunk(R"({"resourceType":"Patient","name":[{"period":{"start":"2000"}}]})", shallow);
  EXPECT_FALSE(deep.ok());
  EXPECT_EQ(deep.status.code(), StatusCode::TooLarge);
  auto untyped = sunk(R"({"id":"x"})");
  EXPECT_FALSE(untyped.ok());
  EXPECT_EQ(untyped.status.message(), "Unable to find resourceType property");
}

}  // namespace
}  // namespace renkei::fhir

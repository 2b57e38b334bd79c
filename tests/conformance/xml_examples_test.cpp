// All 875 R4 XML examples: each parses, converts to JSON and back to XML and JSON unchanged;
// XML→JSON is compared with the official JSON example (npm hl7.fhir.r4.examples@4.0.1), ignoring
// narrative and the HTEST security label. The match count has a floor that only goes up.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/xml_reader.h"
#include "renkei/fhir/xml_writer.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

constexpr int kOfficialMatchFloor = 781;  // FHIR.js: 761/873

// Drops narrative and the HTEST label, and empty containers left behind, recursively.
void normalize(rapidjson::Value& v, rapidjson::Document::AllocatorType& a) {
  if (v.IsObject()) {
    v.RemoveMember("text");
    if (v.HasMember("meta") && v["meta"].IsObject() && v["meta"].HasMember("security")) {
      auto& sec = v["meta"]["security"];
      for (auto it = sec.Begin(); it != sec.End();) {
        if (it->HasMember("code") && std::string((*it)["code"].GetString()) == "HTEST") {
          it = sec.Erase(it);
        } else {
          ++it;
        }
      }
      if (sec.Empty()) v["meta"].RemoveMember("security");
      if (v["meta"].ObjectEmpty()) v.RemoveMember("meta");
    }
    for (auto& m : v.GetObject()) normalize(m.value, a);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) normalize(e, a);
  }
}

bool sameJson(const std::string& a, const std::string& b) {
  rapidjson::Document x, y;
  x.Parse<rapidjson::kParseFullPrecisionFlag>(a.c_str());
  y.Parse<rapidjson::kParseFullPrecisionFlag>(b.c_str());
  if (x.HasParseError() || y.HasParseError()) return false;
  normalize(x, x.GetAllocator());
  normalize(y, y.GetAllocator());
  return x == y;
}

TEST(XmlExamples, ParseRoundTripAndMatchOfficialJson) {
  RENKEI_REQUIRE_SHARED(dir, "fhir-r4-examples-xml/xml");
  auto official = test::npmPackage("hl7.fhir.r4.examples");
  ElementNavigator nav(*test::coreDefinitions());
  int files = 0, roundTrips = 0, compared = 0, matches = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") continue;
    ++files;
    std::string name = entry.path().filename().string();
    auto read = readXml(test::readText(entry.path()));
    if (!read.ok()) {
      ADD_FAILURE() << name << ": " << read.status.message();
      continue;
    }
    const Node& root = *read.document->root();
    std::string json = writeJson(root, &nav);
    auto xml = writeXml(root, nav);
    if (!xml.ok()) {
      ADD_FAILURE() << name << ": " << xml.status().message();
      continue;
    }
    auto again = readXml(xml.value());
    if (again.ok() && writeJson(*again.document->root(), &nav) == json) {
      ++roundTrips;
    } else {
      ADD_FAILURE() << name << ": XML → JSON → XML → JSON is not a fixed point";
    }
    if (!official) continue;
    std::string id(root.childValue("id"));
    auto officialFile = *official / (std::string(root.resourceType) + "-" + id + ".json");
    if (!std::filesystem::exists(officialFile)) continue;
    ++compared;
    matches += sameJson(json, test::readText(officialFile));
  }
  EXPECT_EQ(files, 875);
  EXPECT_EQ(roundTrips, files);
  std::cout << "XML examples: " << files << " parsed, " << roundTrips << " round-trip; "
            << matches << "/" << compared << " match the official JSON\n";
  if (!official) GTEST_SKIP() << "npm hl7.fhir.r4.examples not installed: official comparison skipped";
  EXPECT_EQ(compared, 873);
  EXPECT_GE(matches, kOfficialMatchFloor);
}

}  // namespace
}  // namespace renkei::fhir

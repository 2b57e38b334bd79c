// All 5,307 official R4 JSON examples (npm hl7.fhir.r4.examples@4.0.1): each reads, and its
// canonical JSON survives JSON → XML → JSON unchanged (the fixed point the codecs promise).
#include <gtest/gtest.h>

#include <filesystem>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/xml_reader.h"
#include "renkei/fhir/xml_writer.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

TEST(JsonExamples, JsonXmlJsonIsAFixedPoint) {
  auto dir = test::npmPackage("hl7.fhir.r4.examples");
  if (!dir) GTEST_SKIP() << "npm hl7.fhir.r4.examples not installed (scripts/install-deps.sh --test)";
  ElementNavigator nav(*test::coreDefinitions());
  ReadOptions big;
  big.maxBytes = 256u << 20;
  int files = 0, fixed = 0;
  for (const auto& e : std::filesystem::directory_iterator(*dir)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name == "package.json" || name[0] == '.') continue;
    ++files;
    auto json = readJson(test::readText(e.path()), big);
    if (!json.ok()) {
      ADD_FAILURE() << name << ": " << json.status.message();
      continue;
    }
    std::string canonical = writeJson(*json.document->root(), &nav);
    auto xml = writeXml(*json.document->root(), nav);
    if (!xml.ok()) {
      ADD_FAILURE() << name << ": " << xml.status().message();
      continue;
    }
    auto back = readXml(xml.value(), big);
    if (!back.ok()) {
      ADD_FAILURE() << name << ": XML written could not be read: " << back.status.message();
      continue;
    }
    if (writeJson(*back.document->root(), &nav) == canonical) {
      ++fixed;
    } else {
      ADD_FAILURE() << name << ": JSON → XML → JSON changed the content";
    }
  }
  std::cout << "JSON examples: " << fixed << "/" << files << " are JSON → XML → JSON fixed points\n";
  EXPECT_EQ(files, 5306);
  EXPECT_EQ(fixed, files);
}

}  // namespace
}  // namespace renkei::fhir

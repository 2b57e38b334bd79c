// Every XML file in the official suites read by both XML readers: the subset scanner must never
// accept what libxml2 refuses, and must build the same tree with the same issues.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_env.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/xml_reader.h"
#include "support/xml_differential.h"

namespace renkei::fhir {
namespace {

TEST(XmlDifferential, ScannerAndLibxml2AgreeOnEverySuiteFile) {
  RENKEI_REQUIRE_SHARED(root, "fhir-r4-examples-xml");
  int files = 0;
  for (const char* dir : {"fhir-r4-examples-xml/xml", "fhir-test-cases-r4/validator",
                          "fhir-test-cases-r4/r4", "peer-bench-inputs/po-xml"}) {
    auto p = test::sharedTestdata(dir);
    if (!p) continue;
    for (const auto& e : std::filesystem::recursive_directory_iterator(*p)) {
      if (e.path().extension() != ".xml") continue;
      ++files;
      std::string d = test::xmlReadersDisagree(test::readText(e.path()));
      EXPECT_EQ(d, "") << e.path();
    }
  }
  std::cout << "XML differential: " << files << " files read identically by both readers\n";
  EXPECT_GT(files, 900);
}

// Every narrative in the official JSON and XML examples: both narrative checkers agree.
void collectDivs(const Node& n, std::vector<std::string>& out) {
  for (const Node* c = n.firstChild; c; c = c->next) {
    if (c->name == "div" && c->hasValue()) out.emplace_back(c->value);
    collectDivs(*c, out);
  }
}

TEST(XmlDifferential, NarrativeCheckersAgreeOnEveryExampleNarrative) {
  std::vector<std::string> divs;
  if (auto json = test::npmPackage("hl7.fhir.r4.examples")) {
    for (const auto& e : std::filesystem::directory_iterator(*json)) {
      if (e.path().extension() != ".json" || e.path().filename() == "package.json") continue;
      ReadOptions big;
      big.maxBytes = 256u << 20;
      auto r = readJson(test::readText(e.path()), big);
      if (r.ok()) collectDivs(*r.document->root(), divs);
    }
  }
  if (auto xml = test::sharedTestdata("fhir-r4-examples-xml/xml")) {
    for (const auto& e : std::filesystem::directory_iterator(*xml)) {
      auto r = readXml(test::readText(e.path()));
      if (r.ok()) collectDivs(*r.document->root(), divs);
    }
  }
  if (divs.empty()) GTEST_SKIP() << "no example narratives available (npm examples or ../shared)";
  for (const std::string& div : divs) EXPECT_EQ(test::xhtmlCheckersDisagree(div), "") << div.substr(0, 200);
  std::cout << "narratives: " << divs.size() << " checked identically by both checkers\n";
}

}  // namespace
}  // namespace renkei::fhir

// Every XML file in the official suites read by both XML readers: the subset scanner must never
// accept what libxml2 refuses, and must build the same tree with the same issues.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/test_env.h"
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

}  // namespace
}  // namespace renkei::fhir

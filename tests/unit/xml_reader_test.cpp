// FHIR XML reading: the tree it builds, and the hostile inputs it must refuse quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "renkei/fhir/xml_reader.h"

namespace renkei::fhir {
namespace {

TEST(XmlReader, BuildsTheSameShapeAsJson) {
  auto r = readXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<Patient xmlns="http://hl7.org/fhir">
  <id value="p1"/>
  <text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp; B</p></div></text>
  <contained><Organization><id value="o1"/><name value="Clinic &lt;1&gt;"/></Organization></contained>
  <extension url="http://x.org/e"><valueString value="line1&#10;line2"/></extension>
  <name id="n1"><given value="Ann"/></name>
</Patient>)");
  ASSERT_TRUE(r.ok()) << r.status.message();
  const Node* root = r.document->root();
  EXPECT_EQ(root->resourceType, "Patient");
  EXPECT_EQ(root->childValue("id"), "p1");
  EXPECT_EQ(root->child("text")->childValue("div"),
            R"(<div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp; B</p></div>)");
  const Node* contained = root->child("contained");
  EXPECT_EQ(contained->resourceType, "Organization");
  EXPECT_EQ(contained->childValue("name"), "Clinic <1>");
  const Node* ext = root->child("extension");
  EXPECT_EQ(ext->childValue("url"), "http://x.org/e");
  EXPECT_EQ(ext->childValue("valueString"), "line1\nline2");
  EXPECT_EQ(root->child("name")->childValue("id"), "n1");
  EXPECT_TRUE(r.document->issues().empty());
}

TEST(XmlReader, RefusesExternalEntitiesWithoutReadingFiles) {
  std::string secret = testing::TempDir() + "/renkei-xxe-secret.txt";
  std::ofstream(secret) << "TOP-SECRET";
  auto r = readXml("<?xml version=\"1.0\"?>\n<!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file://" +
                   secret + "\">]>\n<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&xxe;\"/></Patient>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status.message().find("DOCTYPE"), std::string::npos) << r.status.message();
  EXPECT_EQ(r.status.message().find("TOP-SECRET"), std::string::npos);
}

TEST(XmlReader, RefusesBillionLaughsFast) {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) bomb += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&lol9;\"/></Patient>";
  auto start = std::chrono::steady_clock::now();
  auto r = readXml(bomb);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_LT(elapsed, std::chrono::seconds(2)) << "must fail fast, not expand";
}

TEST(XmlReader, RefusesUndefinedEntitiesAndOtherEncodings) {
  EXPECT_FALSE(readXml("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&nbsp;\"/></Patient>").ok());
  auto r = readXml("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><Patient xmlns=\"http://hl7.org/fhir\"/>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.code(), StatusCode::Unsupported);
}

TEST(XmlReader, RequiresTheFhirNamespaceOnTheRoot) {
  auto r = readXml("<Patient><id value=\"x\"/></Patient>");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status.message().find("namespace"), std::string::npos);
}

TEST(XmlReader, ReportsTextAndUnknownAttributesAsIssues) {
  auto r = readXml("<Patient xmlns=\"http://hl7.org/fhir\">stray<active value=\"true\" foo=\"1\"/></Patient>");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.document->issues().size(), 2u);
  EXPECT_NE(r.document->issues()[0].message.find("Text should not be present"), std::string::npos);
  EXPECT_NE(r.document->issues()[1].message.find("@foo"), std::string::npos);
}

TEST(XmlReader, MalformedXmlGivesLineAndColumn) {
  auto r = readXml("<Patient xmlns=\"http://hl7.org/fhir\">\n  <active value=\"true\">\n</Patient>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.position.line, 3u);
}

TEST(XmlReader, EnforcesDepthAndSizeLimits) {
  std::string deep = "<Basic xmlns=\"http://hl7.org/fhir\">";
  for (int i = 0; i < 100; ++i) deep += "<extension url=\"http://x.org/e\">";
  for (int i = 0; i < 100; ++i) deep += "</extension>";
  deep += "</Basic>";
  ReadOptions o;
  o.maxDepth = 50;
  auto r = readXml(deep, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.code(), StatusCode::TooLarge);
  o.maxBytes = 10;
  EXPECT_EQ(readXml(deep, o).status.code(), StatusCode::TooLarge);
}

}  // namespace
}  // namespace renkei::fhir

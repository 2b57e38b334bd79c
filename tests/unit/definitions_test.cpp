// Loading definitions: R4 core bundles, FHIR packages, and snapshots generated for Renkei's own
// differential-only profiles.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "renkei/core/digest.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/compact_definitions.h"
#include "renkei/fhir/default_sources.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

TEST(Definitions, LoadsR4CoreAndRenkeiProfiles) {
  auto defs = test::coreDefinitions();
  EXPECT_TRUE(defs->isResourceType("Patient"));
  EXPECT_TRUE(defs->isPrimitiveType("dateTime"));
  EXPECT_FALSE(defs->isResourceType("HumanName"));
  EXPECT_TRUE(defs->specializes("Age", "Quantity"));
  EXPECT_NE(defs->structure("http://hl7.org/fhir/StructureDefinition/patient-birthPlace"), nullptr)
      << "extension definitions are part of core";
  EXPECT_NE(defs->terminology().valueSet("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1"),
            nullptr);
  EXPECT_TRUE(defs->loadWarnings().empty()) << defs->loadWarnings().front();
}

TEST(Definitions, GeneratesSnapshotsForDifferentialProfiles) {
  auto defs = test::coreDefinitions();
  const StructureDef* p = defs->structure("https://fhir.renkei.jp/StructureDefinition/RenkeiPatient");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->base, defs->baseType("Patient"));
  const ElementDef* kana = p->find("Patient.name:kana");
  ASSERT_NE(kana, nullptr);
  EXPECT_EQ(kana->sliceName, "kana");
  const ElementDef* family = p->find("Patient.name:kana.family");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->path, "Patient.name.family");
  ASSERT_TRUE(family->regex.has_value());
  const ElementDef* repr = p->find("Patient.name:kana.extension:representation.value[x]");
  ASSERT_NE(repr, nullptr);
  ASSERT_NE(repr->fixed, nullptr);
  EXPECT_EQ(repr->fixed->value, "SYL");
  const ElementDef* birthDate = p->find("Patient.birthDate");
  ASSERT_NE(birthDate, nullptr);
  EXPECT_EQ(birthDate->min, 0u) << "required by renkei-pat-2 unless the identity is pending";
  const ElementDef* root = p->find("Patient");
  ASSERT_NE(root, nullptr);
  bool hasIdentityRule = false;
  for (const auto& c : root->constraints) hasIdentityRule |= c.key == "renkei-pat-2";
  EXPECT_TRUE(hasIdentityRule) << "differential constraints are added to the base ones";
  // Untouched base elements keep their base definition.
  EXPECT_EQ(p->find("Patient.active")->max, 1u);
}

TEST(Definitions, ExpandsValueSetsOnce) {
  auto defs = test::coreDefinitions();
  const Expansion* e = defs->terminology().expand("http://hl7.org/fhir/ValueSet/administrative-gender");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->complete);
  EXPECT_TRUE(e->contains("http://hl7.org/fhir/administrative-gender", "female"));
  EXPECT_FALSE(e->containsCode("femme"));
  EXPECT_EQ(e, defs->terminology().expand("http://hl7.org/fhir/ValueSet/administrative-gender"));
  const Expansion* mime = defs->terminology().expand("http://hl7.org/fhir/ValueSet/mimetypes");
  ASSERT_NE(mime, nullptr);
  EXPECT_FALSE(mime->complete) << "BCP 13 is not available locally and must say so";
}

TEST(Definitions, ExternalTerminologiesAreNeverLocallyComplete) {
  EXPECT_TRUE(isExternalTerminology("http://loinc.org"));
  EXPECT_FALSE(isExternalTerminology("http://hl7.org/fhir/administrative-gender"));
}

TEST(Definitions, LoadsJapanesePackagesAsTheyAre) {
  auto jp = test::jpDefinitions();
  if (!jp) GTEST_SKIP() << "../shared/testdata/jp-fhir-packages not found beside the checkout";
  EXPECT_NE(jp->structure("http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"), nullptr);
  EXPECT_NE(jp->structure("http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral"),
            nullptr);
  EXPECT_TRUE(jp->loadWarnings().empty()) << jp->loadWarnings().front();
}

TEST(CompactDefinitions, LeavesOutOnlyWhatTheLoaderNeverReads) {
  const std::string bundle = R"json({"resourceType":"Bundle","entry":[{"resource":{
    "resourceType":"StructureDefinition","url":"http://x/sd","text":{"div":"<div>long</div>"},
    "description":"words","contact":[{"name":"n"}],
    "snapshot":{"element":[{"id":"A","path":"A","short":"s","definition":"d","comment":"c",
      "min":0,"max":"1","alias":["x"],"mapping":[{"identity":"v2"}],
      "constraint":[{"key":"a-1","human":"kept","expression":"x.exists()"}],
      "binding":{"strength":"required","description":"kept: not an element's"},
      "minValueDecimal":1.50,"extension":[{"url":"u","valueString":"\"quoted\" \u00e9"}]}]}}},
    {"resource":{"resourceType":"CodeSystem","description":"gone",
      "concept":[{"code":"a","definition":"kept: a concept's"}]}}]})json";
  auto compact = compactDefinitionsJson(bundle);
  ASSERT_TRUE(compact.ok()) << compact.status().message();
  for (const char* gone : {"long", "words", "\"n\"", "\"s\"", "\"d\"", "\"c\"", "alias", "v2", "gone"}) {
    EXPECT_EQ(compact->find(gone), std::string::npos) << gone << " in " << *compact;
  }
  for (const char* kept : {"\"min\":0", "\"max\":\"1\"", "\"human\":\"kept\"", "kept: not an element's",
                           "\"minValueDecimal\":1.50", "kept: a concept's", "\\\"quoted\\\"",
                           "\"url\":\"http://x/sd\""}) {
    EXPECT_NE(compact->find(kept), std::string::npos) << kept << " missing from " << *compact;
  }
  EXPECT_FALSE(compactDefinitionsJson("{\"a\":").ok());
}

TEST(CompactDefinitions, APackageLoadsTheSameFromItsCache) {
  auto shared = test::sharedDir();
  if (!shared) GTEST_SKIP() << "../shared/testdata/jp-fhir-packages not found beside the checkout";
  const std::string package = (*shared / "testdata/jp-fhir-packages/jp-core.r4-1.1.2-url.tgz").string();
  const auto cacheDir = std::filesystem::temp_directory_path() / ("renkei-cache-test-" + std::to_string(::getpid()));
  ::setenv("RENKEI_CACHE_DIR", cacheDir.c_str(), 1);
  DefinitionSources sources = defaultDefinitionSources();
  sources.packages.push_back(package);
  auto first = loadDefinitions(sources);  // reads the package and writes its cache, when the
  auto second = loadDefinitions(sources);  // process's cache folder is this one; else both read it
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.value()->structureCount(), second.value()->structureCount());
  for (const StructureDef* sd : first.value()->structures()) {
    const StructureDef* again = second.value()->structure(sd->url);
    ASSERT_NE(again, nullptr) << sd->url;
    EXPECT_EQ(again->elements.size(), sd->elements.size()) << sd->url;
  }
  EXPECT_EQ(first.value()->loadWarnings(), second.value()->loadWarnings());
  std::filesystem::remove_all(cacheDir);
}

TEST(Definitions, FolderPackagesAndBrokenProfilesAreReportedNotFatal) {
  std::filesystem::path dir = std::filesystem::path(testing::TempDir()) / "renkei-pkg-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "StructureDefinition-bad.json") << R"({"resourceType":"StructureDefinition",
    "url":"http://renkei.test/sd/bad","name":"Bad","status":"draft","kind":"resource","abstract":false,
    "type":"Patient","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient",
    "derivation":"constraint","differential":{"element":[{"id":"Patient.nosuch","path":"Patient.nosuch"}]}})";
  std::ofstream(dir / "StructureDefinition-good.json") << R"({"resourceType":"StructureDefinition",
    "url":"http://renkei.test/sd/good","name":"Good","status":"draft","kind":"resource","abstract":false,
    "type":"Patient","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient",
    "derivation":"constraint","differential":{"element":[{"id":"Patient.gender","path":"Patient.gender","min":1}]}})";
  DefinitionSources s;
  s.coreDirectory = defaultCoreDirectory();
  s.packages.push_back(dir.string());
  auto defs = loadDefinitions(s);
  ASSERT_TRUE(defs.ok()) << defs.status().message();
  EXPECT_EQ(defs.value()->structure("http://renkei.test/sd/bad"), nullptr);
  ASSERT_NE(defs.value()->structure("http://renkei.test/sd/good"), nullptr);
  ASSERT_EQ(defs.value()->loadWarnings().size(), 1u);
  EXPECT_NE(defs.value()->loadWarnings()[0].find("Patient.nosuch"), std::string::npos)
      << defs.value()->loadWarnings()[0];
}

TEST(Definitions, MissingCoreDirectoryIsAClearError) {
  DefinitionSources s;
  s.coreDirectory = "/nonexistent/renkei/definitions";
  auto defs = loadDefinitions(s);
  ASSERT_FALSE(defs.ok());
  EXPECT_NE(defs.status().message().find("/nonexistent/renkei/definitions"), std::string::npos);
}

}  // namespace
}  // namespace renkei::fhir

// google/fhir's R4 primitive fixtures: every value in <type>.valid.ndjson must be accepted as that
// type in FHIR JSON and every value in <type>.invalid.ndjson rejected. A fixture `null` means
// "no value" (their convention), so the carrier is checked without the element.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::fhir {
namespace {

// Fixture file stem → FHIR type.
const std::map<std::string, std::string> kTypes = {
    {"base64_binary", "base64Binary"}, {"boolean", "boolean"}, {"canonical", "canonical"},
    {"code", "code"}, {"date", "date"}, {"date_time", "dateTime"}, {"decimal", "decimal"},
    {"id", "id"}, {"instant", "instant"}, {"integer", "integer"}, {"markdown", "markdown"},
    {"oid", "oid"}, {"positive_int", "positiveInt"}, {"reference", "Reference"},
    {"string", "string"}, {"time", "time"}, {"unsigned_int", "unsignedInt"}, {"uri", "uri"},
    {"url", "url"}, {"uuid", "uuid"}, {"xhtml", "xhtml"}};

// Fixture values the fixture calls valid but FHIR R4 forbids, and the reference validator
// rejects: Renkei rejects them too, and this test holds it to that.
const std::map<std::string, std::string> kStricterThanFixture = {
    {R"(xhtml "<div>text</div>")",
     "narrative.html: the div SHALL be in the XHTML namespace (reference validator: 'Wrong namespace')"},
    {R"(xhtml "")", "datatypes.html: a primitive's value is never empty; txt-2: narrative has content"},
};

// A resource that holds `value` (raw JSON text) in an element of `type`.
std::string carrier(const std::string& type, const std::string& value) {
  if (type == "Reference" && value != "null") {
    // A context where every well-formed reference form is legal: a transaction entry (conditional
    // references) with a contained resource (fragment references) that is also referenced.
    return R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":{
      "resourceType":"Basic","contained":[{"resourceType":"Patient","id":"p1"}],
      "code":{"text":"t"},"author":{"reference":"#p1"},"subject":)" + value + R"(},
      "request":{"method":"POST","url":"Basic"}}]})";
  }
  if (type == "xhtml") {
    std::string div = value == "null" ? "" : R"(,"div":)" + value;
    return R"({"resourceType":"Basic","code":{"text":"t"},"text":{"status":"generated")" + div + "}}";
  }
  if (value == "null") return R"({"resourceType":"Parameters","id":"empty"})";
  std::string suffix = type;
  suffix[0] = static_cast<char>(std::toupper(suffix[0]));
  return R"({"resourceType":"Parameters","parameter":[{"name":"p","value)" + suffix + "\":" +
         value + "}]}";
}

TEST(GooglePrimitives, EveryValueClassifiedRight) {
  RENKEI_REQUIRE_SHARED(dir, "google-fhir-r4-primitives");
  const auto validator = fhirpath::makeValidator(test::coreDefinitions());
  int checked = 0, wrong = 0, stricter = 0;
  for (const auto& [stem, type] : kTypes) {
    for (bool expectValid : {true, false}) {
      std::filesystem::path file = dir / (stem + (expectValid ? ".valid.ndjson" : ".invalid.ndjson"));
      ASSERT_TRUE(std::filesystem::exists(file)) << file;
      std::ifstream in(file);
      std::string line;
      while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto read = readJson(carrier(type, line));
        bool valid = read.ok() && validator->validate(*read.document).valid();
        ++checked;
        if (auto why = kStricterThanFixture.find(type + " " + line); why != kStricterThanFixture.end()) {
          EXPECT_FALSE(valid) << type << " " << line << " must be rejected: " << why->second;
          ++stricter;
          continue;
        }
        if (valid != expectValid) {
          ++wrong;
          ADD_FAILURE() << type << " " << line << ": expected " << (expectValid ? "valid" : "invalid");
        }
      }
    }
  }
  std::cout << "google primitives: " << checked - wrong - stricter << "/" << checked
            << " as the fixture says, " << stricter << " rejected on purpose (stricter FHIR rule)\n";
  EXPECT_EQ(stricter, static_cast<int>(kStricterThanFixture.size()));
  EXPECT_GT(checked, 150);
}

}  // namespace
}  // namespace renkei::fhir

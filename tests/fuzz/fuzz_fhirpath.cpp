// Fuzz target: FHIRPath expressions from outside (routing rules, profiles). Compiles the bytes
// and evaluates whatever compiles against a small Bundle; nothing may crash, hang or exhaust
// memory whatever the expression.
#include <cstddef>
#include <cstdint>
#include <string>

#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhirpath/evaluator.h"

namespace {

constexpr const char* kInput = R"({"resourceType":"Bundle","type":"collection","entry":[
  {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1","active":true,
    "name":[{"use":"official","family":"山田","given":["花子","ハナコ"]}],"gender":"female",
    "birthDate":"1942-03-09","_birthDate":{"extension":[{"url":"http://example.org/t",
    "valueDateTime":"1942-03-09T10:00:00+09:00"}]}}},
  {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Observation","status":"final",
    "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
    "subject":{"reference":"urn:uuid:1"},"effectiveDateTime":"2024-05-01T09:30:00+09:00",
    "valueQuantity":{"value":52.5,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"},
    "contained":[{"resourceType":"Device","id":"d"}],"device":{"reference":"#d"}}}]})";

struct Fixture {
  std::shared_ptr<const renkei::fhir::Definitions> defs;
  std::unique_ptr<renkei::fhir::Document> doc;
  Fixture() {
    auto d = renkei::fhir::loadDefinitions(renkei::fhir::defaultDefinitionSources());
    if (!d.ok()) std::abort();  // the fuzz harness itself is misconfigured
    defs = d.value();
    doc = renkei::fhir::readJson(kInput).document;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::fhirpath;
  static const Fixture fixture;
  CompileOptions options;
  options.definitions = fixture.defs;
  options.maxLength = 4096;
  options.strict = size > 0 && (data[0] & 1);
  options.collectionAs = size > 0 && (data[0] & 2);
  auto expr = Expression::compile(std::string(reinterpret_cast<const char*>(data), size), options);
  if (!expr.ok()) return 0;
  thread_local Evaluator evaluator;
  evaluator.memoryLimit = 8u << 20;
  (void)evaluator.evaluate(*expr, *fixture.doc->root());
  return 0;
}

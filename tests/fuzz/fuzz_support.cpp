// Shared fuzz-target body: definitions are loaded once per process.
#include "fuzz_support.h"

#include <cstdlib>
#include <memory>

#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/fhir/xml_writer.h"

namespace renkei::fuzz {
namespace {

const fhir::Validator& validator() {
  static const std::shared_ptr<const fhir::Validator> v = [] {
    auto defs = fhir::loadDefinitions(fhir::defaultDefinitionSources());
    if (!defs.ok()) std::abort();  // the fuzz harness itself is misconfigured
    return fhirpath::makeValidator(defs.value());
  }();
  return *v;
}

}  // namespace

void exercise(const fhir::Document& document) {
  const fhir::Validator& v = validator();
  fhir::ValidationOptions options;
  options.maxIssues = 200;
  (void)v.validate(document, options);
  fhir::ElementNavigator nav(v.definitions());
  (void)fhir::writeJson(*document.root(), &nav);
  (void)fhir::writeXml(*document.root(), nav);
}

}  // namespace renkei::fuzz

// Normalizer: FHIR JSON/XML in, validated canonical JSON out.
#include "renkei/pipeline/normalizer.h"

#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"

namespace renkei::pipeline {

Normalizer::Normalizer(std::shared_ptr<const fhir::Definitions> definitions,
                       std::shared_ptr<const fhir::Validator> validator, NormalizeOptions options)
    : definitions_(std::move(definitions)),
      validator_(std::move(validator)),
      options_(std::move(options)) {}

Normalized Normalizer::normalize(std::string bytes, std::string_view name) const {
  Normalized out;
  auto read = fhir::readResource(std::move(bytes), fhir::formatFromName(name));
  if (!read.ok()) {
    out.error = fhir::operationOutcomeJson(
        {fhir::fatalIssue(read.status.message(), read.position.line, read.position.column)});
    return out;
  }
  fhir::ValidationResult result = validator_->validate(*read.document, options_.validation);
  if (options_.rejectInvalid && !result.valid()) {
    std::vector<fhir::Issue> errors;
    for (const fhir::Issue& i : result.issues) {
      if (i.severity == fhir::Severity::Error || i.severity == fhir::Severity::Fatal) {
        errors.push_back(i);
      }
    }
    out.error = fhir::operationOutcomeJson(errors);
    return out;
  }
  const fhir::ElementNavigator navigator(*definitions_);
  out.canonical = fhir::writeJson(*read.document->root(), &navigator);
  out.document = std::move(read.document);
  return out;
}

}  // namespace renkei::pipeline

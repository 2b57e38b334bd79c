// Normalizer: FHIR JSON/XML (or a record of a mapped layout) in, validated canonical JSON out.
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

std::string mappedInputName(const std::string& file, const std::string& mappingId, int64_t line) {
  return file + "#map=" + mappingId + "@L" + std::to_string(line);
}

std::unique_ptr<fhir::Document> Normalizer::mapRecord(const std::string& bytes, std::string_view fileName,
                                                     const std::string& mappingId, int64_t line,
                                                     std::string& error) const {
  const mapping::Mapping* m = mappings_ ? mappings_->byId(mappingId) : nullptr;
  if (m == nullptr) {
    error = fhir::operationOutcomeJson({fhir::fatalIssue("no mapping '" + mappingId + "' is loaded")});
    return nullptr;
  }
  // The stored bytes are the record's own rows (with the header): they map to that one record,
  // whose Bundle comes as a tree (no JSON written and read back).
  auto outcome = mapping::mapFile(*m, bytes, fileName, {}, mapping::MapMode::Trees);
  if (outcome.ok() && outcome->records.size() == 1) return std::move(outcome->records.front().bundle);
  std::string why = !outcome.ok() ? outcome.status().message()
                                  : "the rows of line " + std::to_string(line) + " make " +
                                        std::to_string(outcome->records.size()) + " records, not one";
  if (outcome.ok() && !outcome->issues.empty()) why = "column '" + outcome->issues.front().column + "': " + outcome->issues.front().message;
  error = fhir::operationOutcomeJson({fhir::fatalIssue("mapping " + mappingId + ": " + why)});
  return nullptr;
}

Normalized Normalizer::normalize(std::string bytes, std::string_view name) const {
  Normalized out;
  const std::size_t tag = name.rfind("#map=");
  if (tag != std::string_view::npos) {
    const std::string spec(name.substr(tag + 5));
    const std::size_t at = spec.rfind("@L");
    int64_t line = 0;
    try {
      line = at == std::string::npos ? 0 : std::stoll(spec.substr(at + 2));
    } catch (const std::exception&) {
      line = 0;
    }
    std::unique_ptr<fhir::Document> bundle = mapRecord(bytes, name.substr(0, tag), spec.substr(0, at), line, out.error);
    if (!bundle) return out;
    return validated(std::move(bundle));
  }
  auto read = fhir::readResource(std::move(bytes), fhir::formatFromName(name));
  if (!read.ok()) {
    out.error = fhir::operationOutcomeJson(
        {fhir::fatalIssue(read.status.message(), read.position.line, read.position.column)});
    return out;
  }
  return validated(std::move(read.document));
}

Normalized Normalizer::validated(std::unique_ptr<fhir::Document> document) const {
  Normalized out;
  fhir::ValidationResult result = validator_->validate(*document, options_.validation);
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
  out.canonical = fhir::writeJson(*document->root(), &navigator);
  out.document = std::move(document);
  return out;
}

}  // namespace renkei::pipeline

// Raw bytes → canonical FHIR: parse (JSON or XML), validate against R4 and the configured
// profiles, and write canonical JSON. Failures come back as an OperationOutcome JSON. An input
// named "<file>#map=<mapping id>@L<line>" is one record of a file in a mapped layout: the
// mapping (as it is now: a replay after a fix runs the fixed one) turns the stored bytes into the
// record's Bundle first.
#pragma once

#include <optional>
#pragma once

#include <memory>
#include <string>

#include "renkei/fhir/definitions.h"
#include "renkei/fhir/document.h"
#include "renkei/fhir/validator.h"
#include "renkei/mapping/mapping_engine.h"

namespace renkei::pipeline {

struct Normalized {
  std::unique_ptr<fhir::Document> document;  ///< null when the input failed
  std::string canonical;                     ///< canonical JSON
  std::string error;                         ///< OperationOutcome JSON when failed
};

struct NormalizeOptions {
  fhir::ValidationOptions validation;
  bool rejectInvalid = true;  ///< validation errors fail the message (else they are recorded)
};

class Normalizer {
 public:
  Normalizer(std::shared_ptr<const fhir::Definitions> definitions,
             std::shared_ptr<const fhir::Validator> validator, NormalizeOptions options);
  Normalized normalize(std::string bytes, std::string_view name) const;
  /// The mappings that named inputs refer to (none: mapped inputs fail with a reason).
  void setMappings(std::shared_ptr<const mapping::MappingSet> mappings) { mappings_ = std::move(mappings); }

 private:
  /// The record's Bundle as a tree (its file's name gives the fields a layout reads from names),
  /// or null and an OperationOutcome JSON in `error`.
  std::unique_ptr<fhir::Document> mapRecord(const std::string& bytes, std::string_view fileName,
                                            const std::string& mappingId, int64_t line, std::string& error) const;
  /// The document validated and written as canonical JSON, or the errors that refuse it.
  Normalized validated(std::unique_ptr<fhir::Document> document) const;
  std::shared_ptr<const fhir::Definitions> definitions_;
  std::shared_ptr<const fhir::Validator> validator_;
  NormalizeOptions options_;
  std::shared_ptr<const mapping::MappingSet> mappings_;
};

/// "<file>#map=<id>@L<line>": the input name of one record of a mapped file.
std::string mappedInputName(const std::string& file, const std::string& mappingId, int64_t line);

}  // namespace renkei::pipeline

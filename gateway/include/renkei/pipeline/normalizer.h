// Raw bytes → canonical FHIR: parse (JSON or XML), validate against R4 and the configured
// profiles, and write canonical JSON. Failures come back as an OperationOutcome JSON.
#pragma once

#include <memory>
#include <string>

#include "renkei/fhir/definitions.h"
#include "renkei/fhir/document.h"
#include "renkei/fhir/validator.h"

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

 private:
  std::shared_ptr<const fhir::Definitions> definitions_;
  std::shared_ptr<const fhir::Validator> validator_;
  NormalizeOptions options_;
};

}  // namespace renkei::pipeline

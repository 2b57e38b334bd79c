// Validation invariants on the FHIRPath engine: every constraint of every loaded
// StructureDefinition (R4 core, JP Core, JP-CLINS, Renkei's) is compiled once when the
// validator is built; evaluation is lock-free and per thread.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "renkei/fhir/definitions.h"
#include "renkei/fhir/invariant_evaluator.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/evaluator.h"

namespace renkei::fhirpath {

class FhirPathInvariants : public fhir::InvariantEvaluator {
 public:
  explicit FhirPathInvariants(std::shared_ptr<const fhir::Definitions> definitions);

  /// True when the expression evaluates to true (or to a single non-Boolean item); false and
  /// empty both fail, as in the reference validator. Constraints published with mistakes are
  /// evaluated in their corrected form (expression_corrections.cpp). Compile and evaluation
  /// errors come back as statuses, which the validator reports as warnings.
  Result<bool> holds(const fhir::Constraint& constraint, const fhir::Node& focus,
                     const fhir::InvariantScope& scope) const override;

  /// Used by conformsTo() inside invariants.
  void setConformanceCheck(ConformanceCheck check) { conformsTo_ = std::move(check); }

  std::size_t compiledCount() const { return compiled_.size(); }
  /// Constraints whose expression did not compile (reported when they are evaluated), as
  /// "key: reason".
  const std::vector<std::string>& failures() const { return failures_; }
  /// Constraints evaluated in a corrected form.
  std::size_t correctedCount() const { return corrected_; }

 private:
  struct Compiled;
  static void precompute(Compiled& c);
  std::shared_ptr<const fhir::Definitions> definitions_;
  std::unordered_map<const fhir::Constraint*, std::shared_ptr<const Compiled>> compiled_;
  std::vector<std::string> failures_;
  std::size_t corrected_ = 0;
  ConformanceCheck conformsTo_;
};

/// A validator whose invariants run on FHIRPath (conformsTo() wired to the validator itself).
std::shared_ptr<const fhir::Validator> makeValidator(
    std::shared_ptr<const fhir::Definitions> definitions);

/// conformsTo() answered by `validator` (which must outlive the check): NotFound for unknown
/// profiles, otherwise whether the element validates against the profile.
ConformanceCheck conformanceCheck(const fhir::Validator& validator);

}  // namespace renkei::fhirpath

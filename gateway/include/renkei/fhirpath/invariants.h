// Validation invariants on the FHIRPath engine: every constraint of every loaded
// StructureDefinition (R4 core, JP Core, JP-CLINS, Renkei's) is compiled once when the
// validator is built; evaluation is lock-free and per thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/fhir/definitions.h"
#include "renkei/fhir/invariant_evaluator.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/evaluator.h"

namespace renkei::fhirpath {

class FhirPathInvariants : public fhir::InvariantEvaluator {
 public:
  explicit FhirPathInvariants(std::shared_ptr<const fhir::Definitions> definitions);
  ~FhirPathInvariants() override;

  /// True when the expression evaluates to true (or to a single non-Boolean item); false and
  /// empty both fail, as in the reference validator. Constraints published with mistakes are
  /// evaluated in their corrected form (expression_corrections.cpp). Compile and evaluation
  /// errors come back as statuses, which the validator reports as warnings.
  Result<bool> holds(const fhir::Constraint& constraint, const fhir::Node& focus,
                     const fhir::InvariantScope& scope) const override;

  /// Whether invariants whose deciding parts are simple are decided without the engine (on by
  /// default; quick_verdict.h). Off, every invariant runs on the engine: the tests compare both.
  void setQuickVerdicts(bool on) { quickVerdicts_ = on; }

  /// Used by conformsTo() inside invariants.
  void setConformanceCheck(ConformanceCheck check) { conformsTo_ = std::move(check); }

  /// Constraints with an expression (each compiled on its first evaluation).
  std::size_t compiledCount() const;
  /// Constraints whose expression does not compile (reported when they are evaluated), as
  /// "key: reason"; compiles every expression not compiled yet.
  std::vector<std::string> failures() const;
  /// Constraints evaluated in a corrected form.
  std::size_t correctedCount() const { return corrected_; }

 private:
  struct Compiled;
  /// One expression of one structure type, shared by the constraints that have it; compiled
  /// once, on first use, by whichever thread needs it first.
  struct Slot {
    std::string text;
    std::atomic<const Compiled*> compiled{nullptr};
    std::unique_ptr<const Compiled> owner;  ///< written under compileMutex_
  };
  static void precompute(Compiled& c);
  const Compiled& compiledFor(Slot& slot) const;
  std::shared_ptr<const fhir::Definitions> definitions_;
  std::vector<std::unique_ptr<Slot>> slotStorage_;
  /// Each constraint of the definitions with its slot, by Constraint::id (no slot: no expression).
  std::vector<std::pair<const fhir::Constraint*, Slot*>> slots_;
  /// The slot of a constraint of the loaded definitions, or nullptr.
  Slot* slotOf(const fhir::Constraint& c) const;
  mutable std::mutex compileMutex_;
  std::size_t corrected_ = 0;
  bool quickVerdicts_ = true;
  ConformanceCheck conformsTo_;
};

/// A validator whose invariants run on FHIRPath (conformsTo() wired to the validator itself).
std::shared_ptr<const fhir::Validator> makeValidator(
    std::shared_ptr<const fhir::Definitions> definitions);

/// conformsTo() answered by `validator` (which must outlive the check): NotFound for unknown
/// profiles, otherwise whether the element validates against the profile.
ConformanceCheck conformanceCheck(const fhir::Validator& validator);

}  // namespace renkei::fhirpath

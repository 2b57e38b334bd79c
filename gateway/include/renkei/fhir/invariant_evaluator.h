// The seam through which the validator evaluates invariants (FHIRPath constraints). The
// validator calls it for every constraint of every element it checks; the FHIRPath engine
// implements it.
#pragma once

#include "renkei/core/status.h"
#include "renkei/fhir/node.h"
#include "renkei/fhir/structure.h"

namespace renkei::fhir {

/// What an invariant sees besides its focus element.
struct InvariantScope {
  const Node* resource = nullptr;      ///< %resource: the resource containing the focus
  const Node* rootResource = nullptr;  ///< %rootResource: the outermost resource (e.g. the Bundle)
  std::string_view focusType;          ///< FHIR type of the focus element
  /// The definition the focus matched: element `element` of `sd`, with its type at `typeIndex`.
  const StructureDef* sd = nullptr;
  uint32_t element = 0;
  uint8_t typeIndex = 0;
};

class InvariantEvaluator {
 public:
  virtual ~InvariantEvaluator() = default;
  /// True when the constraint holds for `focus`; a Status when it cannot be evaluated.
  virtual Result<bool> holds(const Constraint& constraint, const Node& focus,
                             const InvariantScope& scope) const = 0;
};

}  // namespace renkei::fhir

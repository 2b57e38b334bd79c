// Deciding an invariant without the FHIRPath engine when the parts it needs are simple: paths of
// plain child names (from the focus, %resource or %rootResource), where(criterion), exists(),
// empty(), hasValue(), not(), contains('text'), all(criterion), select(a & b).isDistinct() over
// text values, '=' / '!=' against a text literal or between two such booleans, '<' … '>=' between
// two dates of one precision, and and / or / xor / implies with the engine's own left-to-right
// short cuts. Most core invariants read like "type = 'document' implies ..." or
// "value.empty() or system.exists()", and on a given resource the part decided first settles
// them. Anything else (or a value whose type the tree alone cannot tell) leaves the verdict to
// the engine.
#pragma once

#include <optional>

#include "program.h"
#include "renkei/fhir/node.h"

namespace renkei::fhirpath {

/// The invariant's verdict on `focus` (true when it holds; an empty result counts as false, as
/// for the engine), or nullopt when the engine must evaluate it. `resource` and `rootResource`
/// are what %resource and %rootResource name (null: unknown).
std::optional<bool> quickVerdict(const AstNode& root, const fhir::Node& focus, const fhir::Node* resource,
                                 const fhir::Node* rootResource);

}  // namespace renkei::fhirpath

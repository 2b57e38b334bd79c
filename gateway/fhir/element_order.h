// Groups an element's children by name and puts the groups in definition order (unknown names
// last, in source order). Both writers serialize through this.
#pragma once

#include <vector>

#include "renkei/fhir/element_navigator.h"

namespace renkei::fhir {

struct ChildGroup {
  std::string_view name;
  std::vector<const Node*> nodes;
  ElementMatch match;  ///< empty when the name is not defined in the scope
};

/// `scope` may be invalid (no definitions): then groups keep source order.
void orderedChildGroups(const Node& parent, const ElementScope& scope,
                        const ElementNavigator* navigator, std::vector<ChildGroup>& out);

/// The type of an element for serialization: the matched type, or the resource type it holds.
std::string_view serializationType(const ChildGroup& group, const Node& node);

/// True for FHIR primitive type names (lower-case first letter, plus "xhtml").
inline bool isPrimitiveTypeName(std::string_view t) {
  return !t.empty() && t[0] >= 'a' && t[0] <= 'z';
}

}  // namespace renkei::fhir

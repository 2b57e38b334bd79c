// Resolves which ElementDef describes an instance element, and where its children are defined:
// in the same snapshot, behind a content reference, or in the definition of the element's type
// (or the type's profile). Shared by the codecs and the validator.
#pragma once

#include <string_view>
#include <vector>

#include "renkei/fhir/definitions.h"

namespace renkei::fhir {

/// A set of sibling element definitions that instance children are matched against: the
/// children of `parent` in `sd`.
struct ElementScope {
  const StructureDef* sd = nullptr;
  const ElementDef* parent = nullptr;
  bool valid() const { return sd != nullptr && parent != nullptr; }
  const std::vector<uint32_t>& children() const { return parent->children; }
};

/// The definition an instance element matched, with its resolved type.
struct ElementMatch {
  const StructureDef* sd = nullptr;
  uint32_t index = 0;
  const TypeRef* type = nullptr;  ///< nullptr when the element has several types (not a choice)
  std::string_view typeCode;
  /// Position of the matched definition among the scope's children (for ordering).
  uint32_t order = 0;

  explicit operator bool() const { return sd != nullptr; }
  const ElementDef& def() const { return sd->elements[index]; }
};

class ElementNavigator {
 public:
  explicit ElementNavigator(const Definitions& defs) : defs_(defs) {}

  const Definitions& definitions() const { return defs_; }
  /// Children of a StructureDefinition's root (a resource, a datatype or a profile).
  ElementScope rootScope(const StructureDef& sd) const;
  /// Children of the base definition of a resource or type name; invalid if unknown.
  ElementScope typeScope(std::string_view typeName) const;
  /// Matches an element name among the scope's children (choice names like "valueQuantity"
  /// resolve to "value[x]" with type Quantity). Slices are not considered here.
  ElementMatch match(const ElementScope& scope, std::string_view name) const {
    return match(scope, name, 0);
  }
  /// The same, searching from definition position `hint` first (instance children mostly
  /// come in definition order, so the previous match's position finds the next one at once).
  ElementMatch match(const ElementScope& scope, std::string_view name, uint32_t hint) const;
  /// Where the children of an element matched by `m` are defined.
  ElementScope childScope(const ElementMatch& m) const;
  /// Children of element `index` of `sd` when the instance has type `typeCode`.
  ElementScope childScope(const StructureDef& sd, uint32_t index, const TypeRef* type,
                          std::string_view typeCode) const;

 private:
  const Definitions& defs_;
};

}  // namespace renkei::fhir

// Element typing (see typing.h).
#include "typing.h"

namespace renkei::fhirpath {

using fhir::ElementDef;
using fhir::StructureDef;

const ElementDef& effectiveDefinition(const StructureDef& sd, uint32_t index) {
  const ElementDef& d = sd.elements[index];
  return d.contentReference != fhir::kNone ? sd.elements[d.contentReference] : d;
}

std::string_view definedTypeName(const StructureDef& sd, uint32_t index, uint8_t typeIndex) {
  if (index == 0) return sd.type;
  const ElementDef& d = effectiveDefinition(sd, index);
  return typeIndex < d.types.size() ? std::string_view(d.types[typeIndex].code) : std::string_view();
}

fhir::ElementScope childScopeOf(const fhir::ElementNavigator& nav, const StructureDef& sd,
                                uint32_t index, uint8_t typeIndex) {
  if (index == 0) return nav.rootScope(sd);
  const ElementDef& d = effectiveDefinition(sd, index);
  const fhir::TypeRef* t = typeIndex < d.types.size() ? &d.types[typeIndex] : nullptr;
  return nav.childScope(sd, index, t, t ? std::string_view(t->code) : std::string_view());
}

const ElementDef* findMember(const fhir::ElementScope& scope, std::string_view name,
                             uint32_t& index) {
  if (!scope.valid() || name.empty()) return nullptr;
  const auto& keys = scope.parent->childKeys;
  const auto& children = scope.children();
  const uint32_t key = fhir::childNameKey(name);
  const uint32_t choiceKey = fhir::choiceNameKey(name);
  for (std::size_t order = 0; order < children.size(); ++order) {
    // A choice element's key holds only its first letter; others hold length and first letter.
    if (keys[order] != key && keys[order] != choiceKey) continue;
    const ElementDef& d = scope.sd->elements[children[order]];
    if (d.isChoice() ? d.choicePrefix == name : fhir::sameName(d.name, name)) {
      index = children[order];
      return &d;
    }
  }
  return nullptr;
}

const ElementDef* choiceSpelledWithType(const fhir::ElementScope& scope, std::string_view name) {
  if (!scope.valid()) return nullptr;
  for (uint32_t idx : scope.children()) {
    const ElementDef& d = scope.sd->elements[idx];
    if (!d.isChoice() || name.size() <= d.choicePrefix.size() ||
        name.compare(0, d.choicePrefix.size(), d.choicePrefix) != 0) {
      continue;
    }
    for (const fhir::TypeRef& t : d.types) {
      if (name.substr(d.choicePrefix.size()) == t.choiceSuffix) return &d;
    }
  }
  return nullptr;
}

bool isAnyResourceType(std::string_view typeName) {
  return typeName == "Resource" || typeName == "DomainResource";
}

}  // namespace renkei::fhirpath

// Element typing shared by evaluation and compile-time checks: the FHIR type an element
// definition gives, where its children are defined, and FHIRPath member lookup (a choice
// element answers to its name without the type suffix).
#pragma once

#include <string_view>

#include "renkei/fhir/element_navigator.h"

namespace renkei::fhirpath {

/// The definition element `index` of `sd` stands for (following a content reference).
const fhir::ElementDef& effectiveDefinition(const fhir::StructureDef& sd, uint32_t index);

/// The FHIR type of element `index` with its type at `typeIndex` (the structure's own type
/// for element 0).
std::string_view definedTypeName(const fhir::StructureDef& sd, uint32_t index, uint8_t typeIndex);

/// Where the children of that element are defined.
fhir::ElementScope childScopeOf(const fhir::ElementNavigator& nav, const fhir::StructureDef& sd,
                                uint32_t index, uint8_t typeIndex);

/// The child definition that FHIRPath name `name` selects in `scope`; its index in
/// `scope.sd->elements` goes to `index`. nullptr when there is none.
const fhir::ElementDef* findMember(const fhir::ElementScope& scope, std::string_view name,
                                   uint32_t& index);

/// For a name such as "valueQuantity": the choice element it spells with a type suffix, or
/// nullptr.
const fhir::ElementDef* choiceSpelledWithType(const fhir::ElementScope& scope,
                                              std::string_view name);

/// True for FHIR's abstract resource types, whose elements hold any resource.
bool isAnyResourceType(std::string_view typeName);

}  // namespace renkei::fhirpath

// Compiles CodeSystem and ValueSet resources (node trees) into the local terminology forms.
#pragma once

#include <memory>

#include "renkei/fhir/node.h"
#include "renkei/fhir/terminology.h"

namespace renkei::fhir {

std::unique_ptr<CodeSystemDef> compileCodeSystem(const Node& resource);
std::unique_ptr<ValueSetDef> compileValueSet(const Node& resource);

}  // namespace renkei::fhir

// Compile-time checks over the parsed tree, with the element types the definitions give:
// element names spelled with a choice suffix ("valueQuantity"), and in strict mode unknown
// elements, non-Boolean iif() criteria and order-dependent functions on unordered input.
#pragma once

#include "program.h"

namespace renkei::fhirpath {

Status analyzeProgram(const Program& program);

}  // namespace renkei::fhirpath

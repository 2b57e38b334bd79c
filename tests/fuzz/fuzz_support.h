// What every codec fuzz target does with a document that parsed: validate it and write it in
// both formats, so the validator and writers see the same hostile shapes.
#pragma once

#include "renkei/fhir/document.h"

namespace renkei::fuzz {

void exercise(const fhir::Document& document);

}  // namespace renkei::fuzz

// Node tree → FHIR JSON. With definitions, elements come out in definition order with the right
// array/primitive shapes (deterministic, so equal content gives equal bytes); without them, the
// shapes recorded by the JSON reader are used.
#pragma once

#include <string>

#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/node.h"

namespace renkei::fhir {

struct JsonWriteOptions {
  bool pretty = false;
};

std::string writeJson(const Node& resource, const ElementNavigator* navigator,
                      const JsonWriteOptions& options = {});
/// One complex element as a JSON object, its children defined in `scope` (a resource node is
/// written as a resource).
std::string writeJsonElement(const Node& element, const ElementScope& scope,
                             const ElementNavigator* navigator, const JsonWriteOptions& options = {});

}  // namespace renkei::fhir

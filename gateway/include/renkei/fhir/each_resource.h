// Visiting what a message carries: the root resource and, for a Bundle, each entry's resource
// (one level deep, as routing and the sinks read a message).
#pragma once

#include "renkei/fhir/node.h"

namespace renkei::fhir {

template <typename F>
void eachResource(const Node& root, F&& f) {
  f(root);
  if (root.resourceType != "Bundle") return;
  for (const Node& entry : root.children()) {
    if (entry.name != "entry") continue;
    if (const Node* resource = entry.child("resource")) f(*resource);
  }
}

}  // namespace renkei::fhir

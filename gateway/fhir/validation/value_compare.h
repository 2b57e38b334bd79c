// Comparing instance values with fixed[x] (exact) and pattern[x] (subset) values.
#pragma once

#include <string>

#include "renkei/fhir/node.h"

namespace renkei::fhir {

/// Exact equality of content (the names of the two top nodes are not compared).
bool equalsFixed(const Node& instance, const Node& fixed);
/// Everything in `pattern` appears in `instance`; each repeated pattern item matches some item.
bool containsPattern(const Node& instance, const Node& pattern);
/// A short human rendering of a value: the primitive text, or "path=value, ..." for complex ones.
std::string describeValue(const Node& value);

}  // namespace renkei::fhir

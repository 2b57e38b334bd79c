// Lexical rules of the R4 primitive types (the specification's regexes plus calendar and range
// checks the regexes cannot express).
#pragma once

#include <string>
#include <string_view>

namespace renkei::fhir {

/// Empty when `value` is a valid lexical form of primitive `type`, else what is wrong.
std::string primitiveProblem(std::string_view type, std::string_view value);

/// True for the primitive types that JSON writes as numbers or booleans.
bool isJsonNumberPrimitive(std::string_view type);

}  // namespace renkei::fhir

// Lexical rules of the R4 primitive types (the specification's regexes plus calendar and range
// checks the regexes cannot express).
#pragma once

#include <string>
#include <string_view>

namespace renkei::fhir {

/// Empty when `value` is a valid lexical form of primitive `type`, else what is wrong.
std::string primitiveProblem(std::string_view type, std::string_view value);

/// True for the primitive types that JSON writes as numbers.
bool isJsonNumberPrimitive(std::string_view type);

/// The decimal grammar (also JSON's number grammar): -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool isDecimalText(std::string_view s);

/// True when `s` starts with a URI scheme ("http:", "urn:", ...), i.e. it is absolute.
bool hasUriScheme(std::string_view s);

}  // namespace renkei::fhir

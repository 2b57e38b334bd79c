// Corrections for R4 invariants published with mistakes (a failing empty result, an
// off-by-one count, unanchored regular expressions). The reference validator evaluates the
// corrected forms, so Renkei does too; each correction is listed in docs/fhirpath.md.
#pragma once

#include <string_view>

namespace renkei::fhirpath {

/// The expression to evaluate for constraint `key` published as `expression`.
std::string_view correctedInvariant(std::string_view key, std::string_view expression);

}  // namespace renkei::fhirpath

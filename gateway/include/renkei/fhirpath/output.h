// How results are shown: each item's type name and value, as text (tests, traces) or as the
// JSON the CLI prints: [{"type": "HumanName", "value": {...}}, {"type": "Quantity",
// "value": {"value": 1.5, "unit": "mg"}}].
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "renkei/fhir/definitions.h"
#include "renkei/fhirpath/value.h"

namespace renkei::fhirpath {

/// FHIR type names for elements ("HumanName", "code"), lower-case System names otherwise
/// ("boolean", "string", "integer", "decimal", "date", "dateTime", "time", "Quantity").
std::string typeNameOf(const Item& item);

/// FHIRPath text of a System value or FHIR primitive: dates with '@' ("@2014-01-25",
/// "@T10:30"), quantities as "1.5 'mg'"; nullopt for complex elements.
std::optional<std::string> literalText(const Item& item);

/// The CLI's JSON array for a result.
std::string resultToJson(ItemSpan items, const fhir::Definitions* definitions);

}  // namespace renkei::fhirpath

// The individual value transforms behind applyTransform (inputs are non-empty, valid UTF-8).
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"
#include "renkei/mapping/transforms.h"

namespace renkei::mapping::transform {

using Fn = Result<std::string> (*)(std::string_view arg, std::string_view value, const TransformContext&);

// Dates and times (transforms_dates.cpp).
Result<std::string> warekiDate(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> yyyymmdd(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> yyyymm(std::string_view, std::string_view value, const TransformContext&);
/// An HL7 v2 DTM ("199601", "20070710", "201107011030+0900") → its date at the precision written.
Result<std::string> hl7Date(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> hl7DateTime(std::string_view zone, std::string_view value, const TransformContext&);
Result<std::string> hhmm(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> isoToHhmm(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> isoToYyyymmdd(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> isoToYyyymm(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> isoToWarekiText(std::string_view arg, std::string_view value, const TransformContext&);

// Codes, numbers and places (transforms_codes.cpp).
Result<std::string> phone(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> postalCode(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> postalDigits(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> municipalityCode(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> municipalityName(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> digits(std::string_view, std::string_view value, const TransformContext&);
Result<std::string> lookup(std::string_view arg, std::string_view value, const TransformContext&);
/// Like lookup, but a code the ConceptMap does not have gives no value instead of an error.
Result<std::string> lookupOrEmpty(std::string_view arg, std::string_view value, const TransformContext&);
Result<std::string> reverseLookup(std::string_view arg, std::string_view value, const TransformContext&);

}  // namespace renkei::mapping::transform

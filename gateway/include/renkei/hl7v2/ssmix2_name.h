// The name SS-MIX2 standardized storage gives a message file:
// <patient>_<date>_<data type>_<order>_<YYYYMMDDHHMMSSfff>_<department>_<condition flag>.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace renkei::hl7v2 {

/// The seven parts of a file name of that shape (the last part of `path`; views into it), or
/// nullopt for a name of another shape (not seven parts, the time not 17 digits, the flag not one
/// character).
std::optional<std::array<std::string_view, 7>> ssmix2NameParts(std::string_view path);

}  // namespace renkei::hl7v2

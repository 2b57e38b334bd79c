// Named value transforms a mapping chains on a field ("trim", "lookup:gender", "max_length:20").
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/mapping/concept_map_lookup.h"
#include "renkei/routing/municipalities.h"

namespace renkei::mapping {

/// The Tokyo municipality a code, name or address text names, or nullptr. Passed in rather than
/// linked: the table lives in renkei_gateway, which links the mapping libraries.
/// tokyoMunicipalityResolver() in renkei/mapping/municipality_resolver.h gives the usual one.
using MunicipalityResolver = std::function<const routing::Municipality*(std::string_view)>;

struct TransformContext {
  const ConceptMapLookups* lookups = nullptr;  ///< for lookup / reverse_lookup
  MunicipalityResolver municipalities;         ///< for municipality_code / municipality_name
  const std::map<std::string, std::string>* parameters = nullptr;  ///< for parameter_default
};

/// Applies transform `name` with `arg` (the part after ':' in the mapping, "" when none) to a
/// UTF-8 value. Empty input gives empty output for every transform except "default" (gives arg)
/// and "required" (error). municipality_code / municipality_name fail without
/// context.municipalities. Errors are InvalidInput and do not quote the value (lookups name the
/// code); an unknown transform or a bad arg is InvalidInput too. Transforms:
///   trim, nfkc, fullwidth_kana, katakana, hiragana, no_spaces, single_space, upper,
///   wareki_date, yyyymmdd, yyyymm, hhmm, iso_to_hhmm, iso_to_yyyymmdd, iso_to_yyyymm, iso_to_wareki[:letters|kanji],
///   phone, postal_code, postal_digits, municipality_code, municipality_name, digits,
///   lookup:MAP, reverse_lookup:MAP, default:VALUE, required, max_length:N.
Result<std::string> applyTransform(std::string_view name, std::string_view arg, std::string_view value,
                                   const TransformContext& context);

/// A transform found by name once (a mapping's steps are found when it loads).
struct Transform {
  std::string_view name;
  Result<std::string> (*fn)(std::string_view arg, std::string_view value, const TransformContext&);
  bool actsOnEmpty;  ///< applied to an empty value too (default, parameter_default, required)
};
/// The transform called `name`, or nullptr.
const Transform* findTransform(std::string_view name);
/// applyTransform for a transform already found.
Result<std::string> applyTransform(const Transform& transform, std::string_view arg, std::string_view value,
                                   const TransformContext& context);
/// The same for a value already known to be valid UTF-8. Every transform keeps valid UTF-8
/// valid (and lookups, defaults and parameters give UTF-8 a loader has checked), so a chain of
/// steps checks its input once.
Result<std::string> applyTransformToUtf8(const Transform& transform, std::string_view arg, std::string_view value,
                                         const TransformContext& context);
std::vector<std::string> knownTransforms();

}  // namespace renkei::mapping

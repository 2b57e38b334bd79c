// ICU text operations on UTF-8 strings for the mapping transforms: NFKC, transliteration, case.
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei::mapping::text {

/// InvalidInput when `value` is not well-formed UTF-8.
Status requireUtf8(std::string_view value);
Result<std::string> nfkc(std::string_view value);
/// Whether `value` (UTF-8) holds a character from `first` to `last`: a transliterator whose filter
/// is that range leaves a value without one as it is.
bool containsAnyIn(std::string_view value, char32_t first, char32_t last);
/// An ICU transliterator by id (compiled once per thread), e.g. "[\\uFF65-\\uFF9F] NFKC".
Result<std::string> transliterate(const char* id, std::string_view value);
/// Unicode upper case (root locale).
Result<std::string> toUpper(std::string_view value);

}  // namespace renkei::mapping::text

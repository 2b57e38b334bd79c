// Checking a part of a JSON data file (a mapping, a form template) against a JSON Schema, as an
// error naming the file and the JSON pointer of what is wrong.
#pragma once

#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/mapping/mapping.h"

namespace renkei::mapping {

/// Checks the object `doc` against an object schema one top-level member at a time, so every broken
/// section is reported (RapidJSON stops at a value's first error): unknown members, each member
/// against its property's schema, and the required members. Errors are appended to `errors`.
void checkSections(const rapidjson::Value& doc, const rapidjson::Value& schemaJson, const std::string& file,
                   std::vector<MappingError>& errors);

}  // namespace renkei::mapping

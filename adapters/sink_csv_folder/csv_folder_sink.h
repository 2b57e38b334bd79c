// The csv_folder sink: a generic flat rendering (one row per primitive value: resource type,
// resource id, element path, value) in UTF-8 or CP932, written atomically as <key>.csv. Ward
// layouts come from mappings/ later; this rendering is the fallback every ward can open.
#pragma once

#include <string>

#include "renkei/core/status.h"
#include "renkei/fhir/node.h"
#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

/// The flat CSV (UTF-8, CRLF line ends, RFC 4180 quoting).
std::string flatCsv(const fhir::Node& root);
/// UTF-8 → CP932 (Windows-31J); InvalidInput naming the first character it cannot represent.
Result<std::string> toCp932(std::string_view utf8);

void registerCsvFolderSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

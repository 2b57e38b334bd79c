// The csv_folder sink: each message written atomically as <key>.csv — in a ward's layout when the
// sink names a mapping (mappings/, rendered back from the canonical Bundle, in the layout's
// encoding), else as a generic flat rendering (one row per primitive value: resource type,
// resource id, element path, value) in UTF-8 or CP932, the fallback every ward can open. A value
// the output cannot carry is a dead letter with the reason, never a substitution.
#pragma once

#include <string>

#include "cp932.h"
#include "renkei/core/status.h"
#include "renkei/fhir/node.h"
#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

/// The flat CSV (UTF-8, CRLF line ends, RFC 4180 quoting).
std::string flatCsv(const fhir::Node& root);
/// The same rendered in CP932 (cp932.h), row by row: InvalidInput naming the character (U+XXXX)
/// and the element it came from when one has no CP932 form.
Result<std::string> flatCsvCp932(const fhir::Node& root);

void registerCsvFolderSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

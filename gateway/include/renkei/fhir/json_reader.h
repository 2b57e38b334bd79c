// FHIR JSON → node tree (RapidJSON SAX, in situ). Keeps decimals' exact text, merges `_name`
// primitive extensions into their element, and rejects duplicate keys, over-deep nesting and
// oversized input with line:column.
#pragma once

#include <functional>
#include <string>

#include "renkei/fhir/document.h"

namespace renkei::fhir {

ReadResult readJson(std::string text, const ReadOptions& options = {});

/// Streams a large Bundle: calls `onResource` for each entry.resource as soon as it is complete,
/// then frees it. Used for definition bundles that would not fit comfortably in memory as a tree.
Status streamBundleResources(std::string text, const ReadOptions& options,
                             const std::function<void(const Node& resource)>& onResource);

}  // namespace renkei::fhir

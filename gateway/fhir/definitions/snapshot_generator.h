// Generates a snapshot for a StructureDefinition that only has a differential, by applying the
// differential to its base's snapshot (and to the snapshots of types it constrains into).
#pragma once

#include <memory>

#include "renkei/core/status.h"
#include "renkei/fhir/definitions.h"

namespace renkei::fhir {

Result<std::unique_ptr<StructureDef>> generateSnapshot(const Node& resource,
                                                       const Definitions& defs, Arena& arena,
                                                       const std::string& origin);

}  // namespace renkei::fhir

// The fax_sheet sink: for recipients who only have FAX, each delivery becomes a printable linkage
// sheet with a cover page — <key>.pdf and <key>.tif (TIFF G4 at fax resolution) — and <key>.json
// (the fax number, pages and reply token; no patient data) in the recipient's folder under `path`,
// which a fax server or multifunction printer watches. Written atomically; a repeat overwrites.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFaxSheetSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

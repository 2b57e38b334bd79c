// The SS-MIX2 storage source: reads a hospital's SS-MIX2 standardized storage in place and
// read-only (it is the hospital's record: never moved, locked or changed), taking new and changed
// files by what the store remembers of each (size, modification time, content hash).
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerSsmix2Source(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

// The file_folder sink: writes each delivery as <idempotency key>.json|.xml into a folder,
// atomically (hidden temporary, fsync, rename), so a repeat overwrites the same file.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFileFolderSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

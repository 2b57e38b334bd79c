// The MLLP source: hospitals' information systems send live HL7 v2 (ADT …) over TCP, optionally
// TLS; each allowed connection gets its own thread (connections are few, long-lived and bounded),
// each message is committed through a group committer before its ACK is written.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerMllpSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

// The fhir_http source: FhirApi served over HTTPS (TLS 1.2 or later as configured through POCO
// NetSSL, optional client certificates; plain HTTP only when the config says plain_http) on the
// event-driven server of gateway/net, with its limits against slow, idle and hostile clients.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFhirHttpSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

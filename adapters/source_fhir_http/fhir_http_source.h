// The fhir_http source: an HTTPS server (POCO Net/NetSSL; TLS 1.2 or later, optional client
// certificates; plain HTTP only when the config says plain_http) with keep-alive, a request size
// limit and a bounded worker pool, serving FhirApi.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFhirHttpSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

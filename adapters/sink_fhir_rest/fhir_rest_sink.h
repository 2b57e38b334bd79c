// The fhir_rest sink: delivers a message to a FHIR R4 server so that a repeat is harmless. In
// "transaction" mode a Bundle's entries (or a single resource) go out as one transaction Bundle of
// PUTs; in "put" mode the root resource is PUT as it is. Either way every resource id is derived
// from the delivery's idempotency key, which is also sent as the Idempotency-Key header.
#pragma once

#include <string>

#include "renkei/core/status.h"
#include "renkei/pipeline/adapter_registry.h"
#include "renkei/pipeline/resource_ids.h"

namespace renkei::adapters {

/// The transaction Bundle for a canonical message: each resource (a transaction or batch Bundle's
/// entries, or the message as a whole) gets a deterministic id and a PUT request, and references
/// between them are rewritten to the new ids.
/// The namespace of a sender's own resource ids at receivers.
std::string senderNamespace(const std::string& sender);
/// `sender` and `writeIntent` name the resources the sender named itself (updates) the same way
/// on every delivery, so the receiver sees versions of one resource (resource_ids.h, IdNaming).
Result<std::string> transactionBundle(std::string_view canonicalJson, std::string_view key,
                                      const std::string& sender = "",
                                      const std::string& writeIntent = "");

/// The resource with its id set to `id` (for "put" mode).
Result<std::string> resourceWithId(std::string_view canonicalJson, const std::string& id);

void registerFhirRestSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

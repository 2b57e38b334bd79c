// The rest_hook sink: delivers a Subscription's notifications (pipeline/subscriptions.h) to the
// endpoint the subscription names, as FHIR R4 rest-hook does — `PUT [endpoint]/Type/id` with each
// resource that met the criteria when the subscription asks for a payload, one empty `POST
// [endpoint]` when it does not, `DELETE [endpoint]/Type/id` for a deletion — with the
// subscription's headers. The subscription is read again at each delivery: one that was turned
// off, deleted or whose endpoint the operator no longer allows sends nothing.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

/// Registers the `rest_hook` sink type; the gateway makes its one instance, named
/// pipeline::kSubscriptionDestination, from the `subscriptions` section of the config.
void registerRestHookSink(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

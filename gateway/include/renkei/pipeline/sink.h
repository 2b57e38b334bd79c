// The sink contract: deliver one outbox row (or a batch of them) and say Delivered, Retry (transient: network errors,
// 408, 429, 5xx except 501) or Reject (permanent: other 4xx, bad rendering). Sinks must not throw;
// exceptions from libraries are caught inside them and become Retry or Reject.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "renkei/fhir/node.h"

namespace renkei::pipeline {

enum class Outcome { Delivered, Retry, Reject };

struct DeliveryResult {
  Outcome outcome = Outcome::Delivered;
  std::string detail;            ///< for logs and the outbox: "HTTP 503", "connection refused"
  std::string responseBody;      ///< what the receiver said (kept for dead letters)
  std::optional<int64_t> retryAfterMs;  ///< the receiver's Retry-After, when given
};

/// One delivery: the canonical message as parsed JSON text and tree, and its stable key.
struct DeliveryRequest {
  int64_t outboxId = 0;
  int64_t messageId = 0;
  std::string idempotencyKey;     ///< the same on every attempt and replay
  std::string_view canonicalJson;
  const fhir::Node* root = nullptr;
  std::string sender;       ///< the organization that sent the message
  std::string writeIntent;  ///< an update names its resource (pipeline/write_intent.h)
  /// The care-team member this delivery is for (JSON, see care/care_directory.h), when the
  /// destination is a channel several recipients share; empty otherwise.
  std::string recipient = {};
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual DeliveryResult deliver(const DeliveryRequest& request) = 0;
  /// Delivers the requests of one claimed batch, in order, with one result each. The default
  /// delivers them one by one; a sink overrides it when the requests can share a costly step.
  virtual std::vector<DeliveryResult> deliverBatch(const std::vector<DeliveryRequest>& requests) {
    std::vector<DeliveryResult> results;
    results.reserve(requests.size());
    for (const DeliveryRequest& r : requests) results.push_back(deliver(r));
    return results;
  }
  /// Whether its receivers understand a deletion (a transaction Bundle with a DELETE entry): a
  /// deletion is routed only to sinks that do.
  virtual bool deliversDeletions() const { return false; }
};

/// Classifies an HTTP status code: 2xx Delivered; 408, 429 and 5xx except 501 Retry; else Reject.
Outcome classifyHttpStatus(int status);

}  // namespace renkei::pipeline

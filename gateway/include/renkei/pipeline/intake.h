// What sources submit to: durable commit first, then normalization; the result tells a source
// whether it may acknowledge (committed) and how the input fared (for done/ or failed/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "renkei/core/health_registry.h"
#include "renkei/core/status.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// A resource an input wrote: its server id and the version its content has.
struct WrittenResource {
  std::string type, id;
  int64_t version = 0;   ///< 0 when not known (routing deferred, or the input is a repeat)
  bool created = false;  ///< the input created the resource (else it updated or repeated it)
};

/// True for a failure that trying again will not cure (Internal: a programming or data error;
/// InvalidInput): the input is refused with its reason instead of being retried forever.
inline bool isPermanentFailure(const Status& status) {
  return status.code() == StatusCode::Internal || status.code() == StatusCode::InvalidInput;
}

struct SubmitResult {
  /// Not ok: nothing was stored; the source must not acknowledge. A permanent failure
  /// (isPermanentFailure) will not pass on a later try either; any other one may.
  Status committed;
  int64_t messageId = 0;
  bool duplicate = false;
  std::string state;       ///< store::kRouted, kUnrouted, kFailed, or kReceived (processed later)
  std::string error;       ///< for kFailed: an OperationOutcome JSON
  /// Each resource the input carries, in order (empty when it failed).
  std::vector<WrittenResource> resources;
};

/// An input normalized and routed but not yet committed (its outcome has no message id yet).
struct PreparedInput {
  store::RawInput input;
  store::RoutingOutcome outcome;
};

class Intake {
 public:
  virtual ~Intake() = default;
  /// Commits all inputs in one transaction, then normalizes and routes the new ones.
  virtual std::vector<SubmitResult> submit(std::vector<store::RawInput> inputs) = 0;
  /// The same in two steps, so that many threads can normalize in parallel and one commits
  /// their inputs together: `prepare` touches no store and is thread-safe; `submitPrepared`
  /// commits the raw inputs, then the prepared outcomes of the new ones.
  virtual PreparedInput prepare(store::RawInput input) const = 0;
  virtual std::vector<SubmitResult> submitPrepared(std::vector<PreparedInput> inputs) = 0;
  /// Where loops a source runs around this intake (a group committer) report their state; null
  /// when nothing collects it.
  virtual std::shared_ptr<HealthRegistry> health() const { return nullptr; }
};

/// `intake.prepare` of every input, in order; a large batch (the records of a streamed care-plan
/// file) is prepared by several threads at once, up to the machine's cores.
std::vector<PreparedInput> prepareAll(const Intake& intake, std::vector<store::RawInput> inputs);

}  // namespace renkei::pipeline

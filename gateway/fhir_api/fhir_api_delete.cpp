// DELETE of the FHIR endpoint: a deletion is an input of the durable pipeline like any write —
// answered after its commit, recorded as a version without content (read answers 410, history
// shows it, search no longer finds it), and delivered as a deletion to every recipient the
// resource went to (pipeline/deletion.h).
#include "api_support.h"
#include "renkei/fhir_api/fhir_api.h"
#include "renkei/pipeline/deletion.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/write_intent.h"

namespace renkei::fhir_api {

ApiResponse FhirApi::remove(const ApiRequest& request, const ApiClient& client,
                            const std::string& type, const std::string& id) const {
  if (!client.allows(type, "write")) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not write " + type);
  }
  if (!store_ || !keepResources_) {
    return outcomeResponse(405, "error", "not-supported",
                           "this endpoint keeps no resources, so it cannot delete them");
  }
  const std::string ifMatchHeader = header(request, "if-match");
  const int64_t ifMatch = pipeline::versionFromETag(ifMatchHeader);
  if (!ifMatchHeader.empty() && ifMatch == 0) {
    return outcomeResponse(400, "error", "invalid", "If-Match must be a version, like W/\"3\"");
  }
  // Only the organization's own resources: another's (or a directory entry it did not write)
  // looks exactly like a missing one.
  auto found = store_->resource(type, id, {client.organization, {}}, 0);
  if (!found.ok()) return storeUnavailable();
  if (!found.value()) {
    return outcomeResponse(404, "error", "not-found", type + "/" + id + " is not known");
  }
  if (found.value()->content.empty()) {
    return outcomeResponse(200, "information", "informational",
                           type + "/" + id + " was deleted already");
  }
  pipeline::WriteIntent intent;
  intent.keepResources = true;
  intent.updateType = type;
  intent.updateId = id;
  intent.ifMatch = ifMatch;
  intent.deletion = true;
  std::string key = requestKey(request, client);
  if (key.empty()) key = uniqueKey(client);
  const store::RawInput input{source_, client.organization, type + ".json", key,
                              pipeline::deletionBundle(type, id), pipeline::encodeWriteIntent(intent)};
  const pipeline::SubmitResult result = intake_->submit({input})[0];
  if (auto refused = notCommitted(result)) return *refused;
  const std::string message = std::to_string(result.messageId);
  ApiResponse r = result.state == store::kFailed
                      ? withBody(failureStatus(result.error), result.error)
                      : outcomeResponse(200, "information", "deleted",
                                        type + "/" + id + " deleted as message " + message +
                                            "; each recipient it was sent to is told");
  if (result.state != store::kFailed && !result.resources.empty() &&
      result.resources.front().version > 0) {
    r.headers["ETag"] = "W/\"" + std::to_string(result.resources.front().version) + "\"";
  }
  r.headers["X-Renkei-Message"] = message;
  return r;
}

}  // namespace renkei::fhir_api

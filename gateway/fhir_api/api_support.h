// Small pieces the FHIR endpoint's handlers share: request headers and formats, OperationOutcome
// and Bundle responses, search criteria parsing, and the server-owned meta of stored resources.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir_api/fhir_api.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/search_query.h"
#include "renkei/store/store.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

using JsonWriter = renkei::fhir::RunCopyingWriter;
using pipeline::decodeQueryPart;
using pipeline::isResourceTypeName;

/// A request header by lower-case name; empty when absent.
std::string header(const ApiRequest& r, const std::string& name);
/// The request's FHIR format from Content-Type; nullopt when unsupported.
std::optional<fhir::SourceFormat> contentFormat(const ApiRequest& r);
/// "a=1&b=2" with its parameters sorted, so equal conditions give equal keys.
std::string normalizedQuery(std::string_view query);

ApiResponse withBody(int status, std::string body);
/// 503 with Retry-After: the store could not be reached; nothing was done.
ApiResponse storeUnavailable();
/// Opens a Bundle object of `type` (the caller writes the rest and closes it).
void beginBundle(JsonWriter& w, const char* type);
/// The status for a message the pipeline failed: 400 when it did not parse, 412 for a version
/// conflict (If-Match), else 422.
int failureStatus(const std::string& operationOutcome);

/// The answer to a write that was not committed: 409 when concurrent writers kept colliding,
/// else 503 with Retry-After; nullopt when it was committed.
std::optional<ApiResponse> notCommitted(const pipeline::SubmitResult& result);
/// A key no other request has: updates are not deduplicated by content (A, B, A again is three
/// versions); a client that resends should send Idempotency-Key.
std::string uniqueKey(const ApiClient& client);
/// The request's Idempotency-Key (or X-Request-ID) as a key of its sender (organization and
/// client): another sender's equal key is another request; "" without one.
std::string requestKey(const ApiRequest& request, const ApiClient& client);

/// A stored resource's JSON with meta.versionId and meta.lastUpdated set from the store.
std::string withServerMeta(const store::StoredResource& resource);
/// The FHIR instant of milliseconds since the epoch, in UTC.
std::string instantFromMs(int64_t ms);
/// The HTTP date of milliseconds since the epoch (Last-Modified).
std::string httpDateFromMs(int64_t ms);

}  // namespace renkei::fhir_api

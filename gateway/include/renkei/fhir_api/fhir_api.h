// The FHIR REST API of the hospitals' endpoint, independent of the HTTP server: a request in, a
// response out. Writes (transaction, batch, document and message Bundles, creates with
// If-None-Exist, updates and conditional updates with If-Match) enter the durable pipeline and
// are answered only after the commit; $validate validates without storing; metadata states what
// is implemented. Handlers live in fhir_api_write.cpp, fhir_api_read.cpp and
// capability_statement.cpp.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir_api/api_clients.h"
#include "renkei/fhir_api/audit_trail.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/intake.h"
#include "renkei/pipeline/subscriptions.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

struct ApiRequest {
  std::string method;
  std::string path;   ///< without the query string
  std::string query;  ///< after '?', undecoded
  std::map<std::string, std::string> headers;  ///< lower-case names
  std::string body;
  /// SHA-256 fingerprint (hex) of the TLS client certificate the handshake verified; empty if none.
  std::string clientCertificateSha256;
  /// The client admit() authenticated from the headers; null: handle() authenticates.
  const ApiClient* client = nullptr;
};

/// Requests per second per client (token buckets refilled continuously; burst = one second).
class RateLimiter {
 public:
  /// True when `client` may make a request now; false means answer 429.
  bool allow(const ApiClient& client);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last{};
  };
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

struct ApiResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;  ///< FHIR JSON, or XML when contentType says so
  std::string contentType = "application/fhir+json; charset=utf-8";
  /// The messages whose resources a read returned (for the audit trail; not sent).
  std::vector<int64_t> viewed = {};
};

/// Organization → the destinations that deliver to it: what was routed there, it may read.
using Recipients = std::map<std::string, std::vector<std::string>>;

class FhirApi {
 public:
  FhirApi(std::string sourceName, std::string base, std::shared_ptr<const ApiClients> clients,
          std::shared_ptr<const fhir::Definitions> definitions,
          std::shared_ptr<const fhir::Validator> validator, pipeline::Intake* intake,
          std::shared_ptr<store::Store> store, AuditTrail* audit = nullptr,
          bool keepResources = true, Recipients recipients = {});

  /// Handles one request and records it in the audit trail.
  ApiResponse handle(const ApiRequest& request) const;
  /// Before the body is read: sets request.client, or gives the answer to send instead (401
  /// for a request that needs a client and has none; audited). Only GET [base]/metadata goes
  /// on without a client.
  std::optional<ApiResponse> admit(ApiRequest& request) const;
  /// The client a bearer token (or, without Authorization, the TLS certificate) identifies.
  const ApiClient* identify(const ApiRequest& request) const;
  /// The scheme and authority of absolute URLs (Location, Bundle links), e.g.
  /// "https://fhir.example.jp:8443": configured, never taken from the request's Host header.
  void setPublicUrl(std::string url) { publicUrl_ = std::move(url); }
  /// The operator's subscriptions policy: a Subscription is accepted only when Renkei can serve it
  /// under it (null: none are served, every Subscription is refused with 422).
  void setSubscriptionPolicy(std::shared_ptr<const pipeline::SubscriptionPolicy> policy) {
    subscriptions_ = std::move(policy);
  }

 private:
  ApiResponse route(const ApiRequest& request, const ApiClient*& client) const;
  bool isMetadataRequest(const ApiRequest& request) const;
  ApiResponse unauthenticated() const;
  void audit(const ApiRequest& request, const ApiClient* client, const ApiResponse& response) const;
  /// Rewrites a JSON response as FHIR XML when Accept or _format asks for XML.
  void negotiateFormat(const ApiRequest& request, ApiResponse& response) const;
  ApiResponse capabilityStatement() const;
  ApiResponse validate(const ApiRequest& request, std::string_view type) const;
  ApiResponse accept(const ApiRequest& request, const ApiClient& client, std::string_view type,
                     std::string_view expectedBundleType) const;
  ApiResponse acceptBatch(const ApiRequest& request, const ApiClient& client) const;
  /// PUT Type/id, or with an empty id a conditional update (PUT Type?criteria).
  ApiResponse update(const ApiRequest& request, const ApiClient& client, const std::string& type,
                     std::string id) const;
  /// DELETE [base]/type/id (see fhir_api_delete.cpp).
  ApiResponse remove(const ApiRequest& request, const ApiClient& client, const std::string& type,
                     const std::string& id) const;
  ApiResponse read(const ApiClient& client, const std::string& type, const std::string& id,
                   int64_t version) const;
  ApiResponse search(const ApiRequest& request, const ApiClient& client,
                     const std::string& type) const;
  /// A Bundle entry's fullUrl and resource (with the store's meta) for a stored resource.
  void writeFullUrlAndResource(renkei::fhir::RunCopyingWriter& w,
                               const store::StoredResource& r) const;
  /// GET Type/id/_history: every version the client may read, newest first, as a history Bundle.
  ApiResponse history(const ApiClient& client, const std::string& type, const std::string& id) const;

  /// Refuses a write whose body is not what the URL says, or that the client may not make;
  /// nullopt when it may go on (a body that does not parse goes on: the pipeline records it).
  std::optional<ApiResponse> checkWrite(const ApiClient& client, std::string_view type,
                                        std::string_view bundleTypes,
                                        const fhir::ReadResult& read) const;
  /// What a condition (If-None-Exist, conditional update) matches among the client's resources:
  /// a response to give instead (400, 412 for several matches, 503), or the one match, or none.
  struct Matches {
    std::optional<ApiResponse> response;
    std::optional<store::StoredResource> resource;
  };
  Matches findMatches(const ApiClient& client, const std::string& type,
                      const std::string& query) const;
  /// The answer to a committed (or failed) write, shaped by Prefer.
  ApiResponse writeResponse(const ApiRequest& request, const ApiClient& client,
                            const pipeline::SubmitResult& result, bool transaction) const;
  /// What `client` may read of `type`: its organization's and what was routed to it; the
  /// directory types of every organization.
  store::ReadScope readScope(const ApiClient& client, const std::string& type) const;
  /// A resource with its ETag, Last-Modified and Content-Location.
  ApiResponse resourceResponse(int status, const store::StoredResource& resource) const;

  /// 422 for a Subscription Renkei cannot serve (subscriptions.h); nullopt when it can.
  std::optional<ApiResponse> checkSubscription(const ApiClient& client,
                                               const fhir::Node& subscription) const;

  std::string source_;
  std::string base_;
  std::string publicUrl_;
  std::shared_ptr<const pipeline::SubscriptionPolicy> subscriptions_;
  std::shared_ptr<const ApiClients> clients_;
  std::shared_ptr<const fhir::Definitions> definitions_;
  std::shared_ptr<const fhir::Validator> validator_;
  pipeline::Intake* intake_;
  std::shared_ptr<store::Store> store_;
  AuditTrail* audit_;
  bool keepResources_;  ///< store accepted resources for read and search
  Recipients recipients_;
  mutable RateLimiter limiter_;
};

/// An OperationOutcome response with one issue.
ApiResponse outcomeResponse(int status, std::string_view severity, std::string_view code,
                            const std::string& text);

}  // namespace renkei::fhir_api

// FhirApi: authentication, rate limits, routing of FHIR interactions to their handlers, format
// negotiation, and the audit record of every request.
#include "renkei/fhir_api/fhir_api.h"

#include <algorithm>

#include <Poco/URI.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "api_support.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/xml_writer.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

ApiResponse outcomeResponse(int status, std::string_view severity, std::string_view code,
                            const std::string& text) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("resourceType");
  w.String("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  w.StartObject();
  w.Key("severity");
  w.String(severity.data(), static_cast<rapidjson::SizeType>(severity.size()));
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("diagnostics");
  w.String(text);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return withBody(status, buffer.GetString());
}

FhirApi::FhirApi(std::string sourceName, std::string base, std::shared_ptr<const ApiClients> clients,
                 std::shared_ptr<const fhir::Definitions> definitions,
                 std::shared_ptr<const fhir::Validator> validator, pipeline::Intake* intake,
                 std::shared_ptr<store::Store> store, AuditTrail* audit, bool keepResources,
                 Recipients recipients)
    : source_(std::move(sourceName)),
      base_(std::move(base)),
      clients_(std::move(clients)),
      definitions_(std::move(definitions)),
      validator_(std::move(validator)),
      intake_(intake),
      store_(std::move(store)),
      audit_(audit),
      keepResources_(keepResources),
      recipients_(std::move(recipients)) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

bool RateLimiter::allow(const ApiClient& client) {
  if (client.requestsPerSecond <= 0) return true;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  Bucket& b = buckets_[client.id];
  if (b.last == std::chrono::steady_clock::time_point{}) {
    b.tokens = client.requestsPerSecond;
  } else {
    const double seconds = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(client.requestsPerSecond, b.tokens + seconds * client.requestsPerSecond);
  }
  b.last = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

ApiResponse FhirApi::handle(const ApiRequest& request) const {
  const ApiClient* client = request.client;
  ApiResponse response = route(request, client);
  negotiateFormat(request, response);
  audit(request, client, response);
  return response;
}

void FhirApi::audit(const ApiRequest& request, const ApiClient* client,
                    const ApiResponse& response) const {
  if (audit_ == nullptr) return;
  auto message = response.headers.find("X-Renkei-Message");
  audit_->record({pipeline::systemNowMs(), source_, client ? client->id : "",
                  client ? client->organization : "", request.method, request.path,
                  response.status, message == response.headers.end() ? 0 : std::stoll(message->second),
                  response.viewed});
}

bool FhirApi::isMetadataRequest(const ApiRequest& request) const {
  if (request.method != "GET" || request.path.rfind(base_ + "/", 0) != 0) return false;
  std::string_view rest(request.path);
  rest.remove_prefix(base_.size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  return rest == "metadata";
}

std::optional<ApiResponse> FhirApi::admit(ApiRequest& request) const {
  if (isMetadataRequest(request)) return std::nullopt;
  request.client = identify(request);
  if (request.client != nullptr) return std::nullopt;
  ApiResponse response = unauthenticated();
  audit(request, nullptr, response);
  return response;
}

const ApiClient* FhirApi::identify(const ApiRequest& request) const {
  // A bearer token when one is sent (a wrong one is not rescued by a certificate), else the
  // verified TLS client certificate.
  const std::string authorization = header(request, "authorization");
  if (authorization.rfind("Bearer ", 0) == 0) return clients_->authenticate(authorization.substr(7));
  if (authorization.empty() && !request.clientCertificateSha256.empty()) {
    return clients_->byCertificate(request.clientCertificateSha256);
  }
  return nullptr;
}

ApiResponse FhirApi::unauthenticated() const {
  ApiResponse r = outcomeResponse(401, "error", "login",
                                  "a valid bearer token or a registered client certificate is required");
  r.headers["WWW-Authenticate"] = "Bearer";
  return r;
}

void FhirApi::negotiateFormat(const ApiRequest& request, ApiResponse& response) const {
  std::string format;
  const std::size_t at = request.query.find("_format=");
  if (at != std::string::npos && (at == 0 || request.query[at - 1] == '&')) {
    decodeQueryPart(request.query.substr(at + 8, request.query.find('&', at) - at - 8), format, false);
  }
  const std::string accept = header(request, "accept");
  const bool xml = format == "xml" || format.find("xml") != std::string::npos ||
                   (format.empty() && accept.find("xml") != std::string::npos &&
                    accept.find("json") == std::string::npos);
  if (!xml || response.body.empty()) return;
  auto read = fhir::readResource(response.body, fhir::SourceFormat::Json);
  if (!read.ok()) return;
  const fhir::ElementNavigator navigator(*definitions_);
  auto written = fhir::writeXml(*read.document->root(), navigator);
  if (!written.ok()) return;
  response.body = std::move(written).value();
  response.contentType = "application/fhir+xml; charset=utf-8";
}

ApiResponse FhirApi::route(const ApiRequest& request, const ApiClient*& client) const {
  if (request.path.rfind(base_, 0) != 0 ||
      (request.path.size() > base_.size() && request.path[base_.size()] != '/')) {
    return outcomeResponse(404, "error", "not-found", "no FHIR endpoint at " + request.path);
  }
  std::string rest = request.path.substr(base_.size());
  while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::vector<std::string> segments;
  for (std::size_t start = 0; start < rest.size();) {
    std::size_t slash = rest.find('/', start);
    if (slash == std::string::npos) slash = rest.size();
    segments.push_back(rest.substr(start, slash - start));
    start = slash + 1;
  }

  if (segments.size() == 1 && segments[0] == "metadata") {
    if (request.method != "GET") return outcomeResponse(405, "error", "not-supported", "GET only");
    return capabilityStatement();
  }
  // Everything else needs an authenticated client.
  if (client == nullptr) client = identify(request);
  if (client == nullptr) return unauthenticated();
  if (!limiter_.allow(*client)) {
    ApiResponse r = outcomeResponse(429, "error", "throttled",
                                    "client " + client->id + " is over its request rate");
    r.headers["Retry-After"] = "1";
    return r;
  }
  const bool isPost = request.method == "POST";
  if (segments.empty()) {
    if (!isPost) return outcomeResponse(405, "error", "not-supported", "POST a transaction or batch Bundle");
    return accept(request, *client, "Bundle", "transaction|batch");
  }
  if (segments.size() == 1 && segments[0] == "$validate") {
    if (!isPost) return outcomeResponse(405, "error", "not-supported", "POST only");
    return validate(request, "");
  }
  if (segments.size() == 1 && segments[0] == "$process-message") {
    if (!isPost) return outcomeResponse(405, "error", "not-supported", "POST only");
    return accept(request, *client, "Bundle", "message");
  }
  if (!isResourceTypeName(segments[0]) || !definitions_->isResourceType(segments[0])) {
    return outcomeResponse(404, "error", "not-found", "unknown resource type '" + segments[0] + "'");
  }
  const std::string& type = segments[0];
  if (segments.size() == 2 && segments[1] == "$validate") {
    if (!isPost) return outcomeResponse(405, "error", "not-supported", "POST only");
    return validate(request, type);
  }
  if (segments.size() == 1 && isPost) {
    return accept(request, *client, type, type == "Bundle" ? "document|collection" : "");
  }
  if (request.method == "PUT" && segments.size() <= 2) {
    if (segments.size() == 1 && request.query.empty()) {
      return outcomeResponse(405, "error", "not-supported",
                             "PUT needs an id (" + type + "/[id]) or search criteria (conditional update)");
    }
    return update(request, *client, type, segments.size() == 2 ? segments[1] : std::string());
  }
  if (request.method == "DELETE" && segments.size() == 2) {
    return remove(request, *client, type, segments[1]);
  }
  if (request.method == "GET" && segments.size() == 1) return search(request, *client, type);
  if (request.method == "GET" && segments.size() == 3 && segments[2] == "_history") {
    return history(*client, type, segments[1]);
  }
  if (request.method == "GET" && (segments.size() == 2 ||
                                  (segments.size() == 4 && segments[2] == "_history"))) {
    int64_t version = 0;
    if (segments.size() == 4) {
      try {
        version = std::stoll(segments[3]);
      } catch (const std::exception&) {
        version = -1;
      }
      if (version <= 0) return outcomeResponse(404, "error", "not-found", "no such version");
    }
    return read(*client, type, segments[1], version);
  }
  return outcomeResponse(501, "error", "not-supported",
                         request.method + " " + request.path +
                             " is not implemented; see [base]/metadata for what is");
}

ApiResponse FhirApi::validate(const ApiRequest& request, std::string_view type) const {
  auto format = contentFormat(request);
  if (!format) return outcomeResponse(415, "error", "not-supported", "send application/fhir+json or application/fhir+xml");
  auto read = fhir::readResource(request.body, format);
  if (!read.ok()) {
    return withBody(400, fhir::operationOutcomeJson(
                             {fhir::fatalIssue(read.status.message(), read.position.line,
                                               read.position.column)}));
  }
  const fhir::Node* root = read.document->root();
  if (root->resourceType == "Parameters") {
    return outcomeResponse(400, "error", "not-supported",
                           "send the resource itself, not a Parameters resource");
  }
  if (!type.empty() && root->resourceType != type) {
    return outcomeResponse(400, "error", "invalid",
                           "the body is a " + std::string(root->resourceType) + ", not a " +
                               std::string(type));
  }
  fhir::ValidationResult result = validator_->validate(*read.document);
  if (result.issues.empty()) {
    return outcomeResponse(200, "information", "informational", "no issues found");
  }
  return withBody(200, fhir::operationOutcomeJson(result.issues));
}

}  // namespace renkei::fhir_api

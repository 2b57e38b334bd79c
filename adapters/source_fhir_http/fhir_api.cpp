// FhirApi: authentication, routing of FHIR interactions, and the mapping of pipeline results to
// HTTP statuses and OperationOutcomes.
#include "fhir_api.h"

#include <algorithm>
#include <cctype>

#include <Poco/URI.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/xml_writer.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/structure.h"
#include "renkei/pipeline/adapter_registry.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/pipeline/search_values.h"
#include "renkei/store/store.h"

namespace renkei::adapters {
namespace {

std::string header(const ApiRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

bool isResourceTypeName(std::string_view s) {
  return !s.empty() && s[0] >= 'A' && s[0] <= 'Z' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
         });
}

/// The request's FHIR format from Content-Type; nullopt when unsupported.
std::optional<fhir::SourceFormat> contentFormat(const ApiRequest& r) {
  std::string type = header(r, "content-type");
  type = type.substr(0, type.find(';'));
  if (type == "application/fhir+json" || type == "application/json") return fhir::SourceFormat::Json;
  if (type == "application/fhir+xml" || type == "application/xml") return fhir::SourceFormat::Xml;
  return std::nullopt;
}

/// "a=1&b=2" with its parameters sorted, so equal conditions give equal keys.
std::string normalizedQuery(std::string_view query) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    if (amp > start) parts.emplace_back(query.substr(start, amp - start));
    start = amp + 1;
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "&") + p;
  return out;
}

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Opens a Bundle object of `type` (the caller writes the rest and closes it).
void beginBundle(JsonWriter& w, const char* type) {
  w.StartObject();
  w.Key("resourceType");
  w.String("Bundle");
  w.Key("type");
  w.String(type);
}

/// The status for a message the pipeline failed: 400 when it did not parse, else 422.
int failureStatus(const std::string& operationOutcome) {
  return operationOutcome.find("\"severity\":\"fatal\"") != std::string::npos ? 400 : 422;
}

/// A transaction-response Bundle: one entry per resource, with its status and location.
std::string transactionResponse(const pipeline::SubmitResult& result, int status) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  beginBundle(w, "transaction-response");
  w.Key("entry");
  w.StartArray();
  for (const auto& [type, id] : result.resources) {
    w.StartObject();
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.String(status == 201 ? "201 Created" : "200 OK");
    w.Key("location");
    w.String(type + "/" + id + "/_history/1");
    w.Key("etag");
    w.String("W/\"1\"");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

ApiResponse withBody(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

ApiResponse outcomeResponse(int status, std::string_view severity, std::string_view code,
                            const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
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
                 std::shared_ptr<store::Store> store, AuditTrail* audit, bool keepResources)
    : source_(std::move(sourceName)),
      base_(std::move(base)),
      clients_(std::move(clients)),
      definitions_(std::move(definitions)),
      validator_(std::move(validator)),
      intake_(intake),
      store_(std::move(store)),
      audit_(audit),
      keepResources_(keepResources) {
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
  const ApiClient* client = nullptr;
  ApiResponse response = route(request, client);
  negotiateFormat(request, response);
  if (audit_ != nullptr) {
    auto message = response.headers.find("X-Renkei-Message");
    audit_->record({pipeline::systemNowMs(), source_, client ? client->id : "", client ? client->organization : "",
                    request.method, request.path, response.status,
                    message == response.headers.end() ? 0 : std::stoll(message->second)});
  }
  return response;
}

void FhirApi::negotiateFormat(const ApiRequest& request, ApiResponse& response) const {
  std::string format;
  const std::size_t at = request.query.find("_format=");
  if (at != std::string::npos && (at == 0 || request.query[at - 1] == '&')) {
    Poco::URI::decode(request.query.substr(at + 8, request.query.find('&', at) - at - 8), format);
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
  const std::string authorization = header(request, "authorization");
  client = authorization.rfind("Bearer ", 0) == 0 ? clients_->authenticate(authorization.substr(7))
                                                  : nullptr;
  if (client == nullptr) {
    ApiResponse r = outcomeResponse(401, "error", "login", "a valid bearer token is required");
    r.headers["WWW-Authenticate"] = "Bearer";
    return r;
  }
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
  if (request.method == "GET" && segments.size() == 1) return search(request, *client, type);
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

ApiResponse FhirApi::acceptBatch(const ApiRequest& request, const ApiClient& client) const {
  // Each entry is its own input with its own outcome: one failing entry fails only itself.
  rapidjson::Document bundle;
  bundle.Parse(request.body.data(), request.body.size());
  struct Entry {
    int status = 0;
    std::string outcome;   ///< OperationOutcome JSON for a failed entry
    std::string location;
    int64_t input = -1;    ///< index into `inputs`
  };
  std::vector<Entry> entries;
  std::vector<store::RawInput> inputs;
  auto entryList = bundle.FindMember("entry");
  if (entryList != bundle.MemberEnd() && entryList->value.IsArray()) {
    for (const auto& e : entryList->value.GetArray()) {
      Entry entry;
      auto resource = e.FindMember("resource");
      auto req = e.FindMember("request");
      const std::string method =
          req != e.MemberEnd() && req->value.IsObject() ? pipeline::configString(req->value, "method") : "";
      if (resource == e.MemberEnd() || !resource->value.IsObject() || method != "POST") {
        entry.status = method.empty() || method == "POST" ? 400 : 501;
        entry.outcome = outcomeResponse(entry.status, "error", "not-supported",
                                        "a batch entry must POST a resource").body;
        entries.push_back(std::move(entry));
        continue;
      }
      const std::string type = pipeline::configString(resource->value, "resourceType");
      if (!client.allows(type, "write")) {
        entry.status = 403;
        entry.outcome = outcomeResponse(403, "error", "forbidden", "may not write " + type).body;
        entries.push_back(std::move(entry));
        continue;
      }
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
      resource->value.Accept(w);
      const std::string condition = pipeline::configString(req->value, "ifNoneExist");
      std::string key;
      if (!condition.empty()) {
        key = "if-none-exist:" + client.organization + ":" + type + "?" + normalizedQuery(condition);
      }
      entry.input = static_cast<int64_t>(inputs.size());
      inputs.push_back({source_, client.organization, type + ".json", key, buffer.GetString(),
                        keepResources_});
      entries.push_back(std::move(entry));
    }
  }
  std::vector<pipeline::SubmitResult> results;
  if (!inputs.empty()) results = intake_->submit(inputs);
  for (Entry& entry : entries) {
    if (entry.input < 0) continue;
    const pipeline::SubmitResult& r = results[static_cast<std::size_t>(entry.input)];
    if (!r.committed.ok()) {
      entry.status = 503;
      entry.outcome = outcomeResponse(503, "error", "transient", "not stored; try again").body;
    } else if (r.state == store::kFailed) {
      entry.status = failureStatus(r.error);
      entry.outcome = r.error;
    } else {
      entry.status = r.duplicate ? 200 : 201;
      if (!r.resources.empty()) {
        entry.location = r.resources.front().first + "/" + r.resources.front().second + "/_history/1";
      }
    }
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  beginBundle(w, "batch-response");
  w.Key("entry");
  w.StartArray();
  for (const Entry& entry : entries) {
    w.StartObject();
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.String(std::to_string(entry.status));
    if (!entry.location.empty()) {
      w.Key("location");
      w.String(entry.location);
    }
    if (!entry.outcome.empty()) {
      w.Key("outcome");
      w.RawValue(entry.outcome.data(), entry.outcome.size(), rapidjson::kObjectType);
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return withBody(200, buffer.GetString());
}

ApiResponse FhirApi::read(const ApiClient& client, const std::string& type, const std::string& id,
                          int64_t version) const {
  if (!client.allows(type, "read")) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not read " + type);
  }
  if (!store_ || !keepResources_) {
    return outcomeResponse(501, "error", "not-supported", "this endpoint keeps no resources to read");
  }
  auto found = store_->resource(type, id, version);
  if (!found.ok()) {
    ApiResponse r = outcomeResponse(503, "error", "transient", "the store is unavailable");
    r.headers["Retry-After"] = "5";
    return r;
  }
  // Another organization's resource is answered exactly like a missing one: no leak.
  if (!found.value() || found.value()->organization != client.organization) {
    return outcomeResponse(404, "error", "not-found", type + "/" + id + " is not known");
  }
  ApiResponse r = withBody(200, found.value()->content);
  r.headers["ETag"] = "W/\"" + std::to_string(found.value()->version) + "\"";
  r.headers["Content-Location"] =
      base_ + "/" + type + "/" + id + "/_history/" + std::to_string(found.value()->version);
  return r;
}

namespace {

/// The supported search parameters per type (besides _id, _count and _offset).
const std::map<std::string, std::vector<std::string>, std::less<>>& searchParameters() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> params = {
      {"Patient", {"identifier", "name", "birthdate", "gender"}},
      {"Encounter", {"patient", "date", "class"}},
  };
  return params;
}

/// A date criterion with FHIR's prefixes; partial dates (e.g. 1942) cover their whole period.
store::SearchCriterion dateCriterion(const std::string& param, std::string value) {
  std::string prefix = "eq";
  if (value.size() > 2 && std::isalpha(static_cast<unsigned char>(value[0]))) {
    prefix = value.substr(0, 2);
    value.erase(0, 2);
  }
  const bool partial = value.size() < 10;
  // '~' sorts after every digit and '-': "1950~" is after every date in 1950.
  if (prefix == "gt") return {param, ">", partial ? value + "~" : value};
  if (prefix == "le") return {param, "<=", partial ? value + "~" : value};
  if (prefix == "ge") return {param, ">=", value};
  if (prefix == "lt") return {param, "<", value};
  return {param, partial ? "prefix" : "=", value};
}

}  // namespace

ApiResponse FhirApi::search(const ApiRequest& request, const ApiClient& client,
                            const std::string& type) const {
  if (!client.allows(type, "read")) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not read " + type);
  }
  if (!store_ || !keepResources_) {
    return outcomeResponse(501, "error", "not-supported", "this endpoint keeps no resources to search");
  }
  std::vector<store::SearchCriterion> criteria;
  int64_t count = 50, offset = 0;
  auto supported = searchParameters().find(type);
  std::size_t start = 0;
  while (start < request.query.size()) {
    std::size_t amp = request.query.find('&', start);
    if (amp == std::string::npos) amp = request.query.size();
    const std::string pair = request.query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::string name, value;
    Poco::URI::decode(pair.substr(0, eq), name);
    if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value, true);
    try {
      if (name == "_count") {
        count = std::clamp<int64_t>(std::stoll(value), 1, 500);
        continue;
      }
      if (name == "_offset") {
        offset = std::max<int64_t>(0, std::stoll(value));
        continue;
      }
    } catch (const std::exception&) {
      return outcomeResponse(400, "error", "invalid", name + " must be a number");
    }
    const bool known = name == "_id" ||
                       (supported != searchParameters().end() &&
                        std::find(supported->second.begin(), supported->second.end(), name) !=
                            supported->second.end());
    if (!known) {
      return outcomeResponse(400, "error", "not-supported",
                             "search parameter '" + name + "' is not supported on " + type +
                                 " (see [base]/metadata)");
    }
    if (name == "identifier") {
      criteria.push_back(value.find('|') != std::string::npos
                             ? store::SearchCriterion{"identifier", "=", value}
                             : store::SearchCriterion{"identifier:value", "=", value});
    } else if (name == "name") {
      criteria.push_back({"name", "prefix", pipeline::normalizeName(value)});
    } else if (name == "birthdate" || name == "date") {
      criteria.push_back(dateCriterion(name, value));
    } else if (name == "patient") {
      criteria.push_back({"patient", "=", value.rfind("Patient/", 0) == 0 ? value : "Patient/" + value});
    } else {
      criteria.push_back({name, "=", value});
    }
  }
  int64_t total = 0;
  auto found = store_->search(type, client.organization, criteria, count, offset, total);
  if (!found.ok()) {
    ApiResponse r = outcomeResponse(503, "error", "transient", "the store is unavailable");
    r.headers["Retry-After"] = "5";
    return r;
  }
  auto pageUrl = [&](int64_t pageOffset) {
    std::string url = request.origin + base_ + "/" + type + "?";
    std::string kept;
    std::size_t at = 0;
    while (at < request.query.size()) {
      std::size_t amp = request.query.find('&', at);
      if (amp == std::string::npos) amp = request.query.size();
      const std::string pair = request.query.substr(at, amp - at);
      at = amp + 1;
      if (!pair.empty() && pair.rfind("_offset=", 0) != 0 && pair.rfind("_count=", 0) != 0) {
        kept += pair + "&";
      }
    }
    return url + kept + "_count=" + std::to_string(count) + "&_offset=" + std::to_string(pageOffset);
  };
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  beginBundle(w, "searchset");
  w.Key("total");
  w.Int64(total);
  w.Key("link");
  w.StartArray();
  auto link = [&](const char* relation, const std::string& url) {
    w.StartObject();
    w.Key("relation");
    w.String(relation);
    w.Key("url");
    w.String(url);
    w.EndObject();
  };
  link("self", pageUrl(offset));
  if (offset + count < total) link("next", pageUrl(offset + count));
  if (offset > 0) link("previous", pageUrl(std::max<int64_t>(0, offset - count)));
  w.EndArray();
  w.Key("entry");
  w.StartArray();
  for (const store::StoredResource& r : found.value()) {
    w.StartObject();
    w.Key("fullUrl");
    w.String(request.origin + base_ + "/" + r.type + "/" + r.id);
    w.Key("resource");
    w.RawValue(r.content.data(), r.content.size(), rapidjson::kObjectType);
    w.Key("search");
    w.StartObject();
    w.Key("mode");
    w.String("match");
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return withBody(200, buffer.GetString());
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

ApiResponse FhirApi::accept(const ApiRequest& request, const ApiClient& client,
                            std::string_view type, std::string_view bundleTypes) const {
  auto format = contentFormat(request);
  if (!format) {
    return outcomeResponse(415, "error", "not-supported",
                           "send application/fhir+json or application/fhir+xml");
  }
  // A cheap look at the root first: protocol errors are answered without storing anything.
  auto read = fhir::readResource(request.body, format);
  if (read.ok()) {
    const fhir::Node& root = *read.document->root();
    if (root.resourceType != type) {
      return outcomeResponse(400, "error", "invalid",
                             "the body is a " + std::string(root.resourceType) + ", not a " +
                                 std::string(type));
    }
    if (!bundleTypes.empty()) {
      const std::string bundleType(root.childValue("type"));
      if (std::string("|" + std::string(bundleTypes) + "|").find("|" + bundleType + "|") ==
          std::string::npos) {
        return outcomeResponse(400, "error", "invalid",
                               "a Bundle of type " + std::string(bundleTypes) +
                                   " is expected here, not '" + bundleType + "'");
      }
      if (bundleType == "batch" && format == fhir::SourceFormat::Json) {
        return acceptBatch(request, client);
      }
    }
    std::vector<std::string_view> types{root.resourceType};
    if (root.resourceType == "Bundle") {
      for (const fhir::Node& e : root.children()) {
        if (e.name != "entry") continue;
        if (const fhir::Node* r = e.child("resource")) types.push_back(r->resourceType);
      }
    }
    for (std::string_view t : types) {
      if (!client.allows(t, "write")) {
        return outcomeResponse(403, "error", "forbidden",
                               "client " + client.id + " may not write " + std::string(t));
      }
    }
  }
  // The idempotency key: a conditional create's condition, else the client's request id, else
  // (empty) the SHA-256 of the bytes, so that a resent request is recognised either way.
  std::string key;
  const std::string condition = header(request, "if-none-exist");
  const std::string requestId = !header(request, "idempotency-key").empty()
                                    ? header(request, "idempotency-key")
                                    : header(request, "x-request-id");
  if (!condition.empty()) {
    key = "if-none-exist:" + client.organization + ":" + std::string(type) + "?" +
          normalizedQuery(condition);
  } else if (!requestId.empty()) {
    key = "request:" + client.organization + ":" + requestId;
  }
  store::RawInput input{source_, client.organization,
                        std::string(type) + (format == fhir::SourceFormat::Xml ? ".xml" : ".json"),
                        key, request.body, keepResources_};
  pipeline::SubmitResult result;
  for (int attempt = 0; attempt < 3; ++attempt) {
    result = intake_->submit({input})[0];
    // Two identical requests racing on PostgreSQL: the loser's insert hits the unique key and
    // rolls back; trying again finds the winner's commit.
    if (result.committed.code() != StatusCode::Conflict) break;
  }
  if (!result.committed.ok()) {
    ApiResponse r = outcomeResponse(503, "error", "transient",
                                    "the input could not be stored; nothing was accepted");
    r.headers["Retry-After"] = "5";
    return r;
  }
  if (result.state == store::kFailed) return withBody(failureStatus(result.error), result.error);
  const std::string id = std::to_string(result.messageId);
  const int status = result.duplicate ? 200 : 201;
  // Prefer: return=representation (the default, as clients expect), minimal, or OperationOutcome.
  const std::string prefer = header(request, "prefer");
  ApiResponse r;
  if (prefer.find("return=OperationOutcome") != std::string::npos) {
    r = outcomeResponse(status, "information", result.duplicate ? "duplicate" : "informational",
                        result.duplicate ? "already accepted as message " + id + "; not stored again"
                                         : "accepted as message " + id + " and committed; it will be routed");
  } else if (prefer.find("return=minimal") != std::string::npos) {
    r = withBody(status, "");
  } else if (bundleTypes == "transaction|batch") {
    r = withBody(status, transactionResponse(result, status));
  } else {
    std::optional<store::StoredResource> stored;
    if (store_ && !result.resources.empty()) {
      auto found = store_->resource(result.resources.front().first, result.resources.front().second, 0);
      if (found.ok()) stored = found.value();
    }
    r = stored ? withBody(status, stored->content)
               : outcomeResponse(status, "information", "informational",
                                 "accepted as message " + id + "; it will be routed");
  }
  if (bundleTypes != "transaction|batch" && !result.resources.empty()) {
    const auto& [rtype, rid] = result.resources.front();
    r.headers["Location"] = request.origin + base_ + "/" + rtype + "/" + rid + "/_history/1";
    r.headers["ETag"] = "W/\"1\"";
  }
  r.headers["X-Renkei-Message"] = id;
  return r;
}

ApiResponse FhirApi::capabilityStatement() const {
  // Exactly what is implemented: create (conditional with If-None-Exist), read, vread and search
  // of every concrete resource type, $validate, transaction and batch, $process-message.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto operation = [&](const char* name, const char* definition) {
    w.StartObject();
    w.Key("name");
    w.String(name);
    w.Key("definition");
    w.String(definition);
    w.EndObject();
  };
  w.StartObject();
  w.Key("resourceType");
  w.String("CapabilityStatement");
  w.Key("status");
  w.String("active");
  w.Key("date");
  w.String("2026-11-21");
  w.Key("kind");
  w.String("instance");
  w.Key("software");
  w.StartObject();
  w.Key("name");
  w.String("Renkei");
  w.Key("version");
  w.String("0.1.0");
  w.EndObject();
  w.Key("fhirVersion");
  w.String("4.0.1");
  w.Key("format");
  w.StartArray();
  w.String("application/fhir+json");
  w.String("application/fhir+xml");
  w.EndArray();
  w.Key("rest");
  w.StartArray();
  w.StartObject();
  w.Key("mode");
  w.String("server");
  w.Key("documentation");
  w.String("Every write is answered only after it is durably committed, then validated and routed "
           "to its recipients. A client reads and searches what its organization submitted. "
           "Update, delete and history are not implemented yet.");
  w.Key("security");
  w.StartObject();
  w.Key("description");
  w.String("Bearer token per API client, bound to one organization; scopes system/<type>.write; "
           "TLS 1.2 or later, client certificates when configured.");
  w.EndObject();
  w.Key("resource");
  w.StartArray();
  for (const fhir::StructureDef* sd : definitions_->structures()) {
    if (sd->kind != fhir::StructureKind::Resource || sd->abstract || sd->isConstraint) continue;
    w.StartObject();
    w.Key("type");
    w.String(sd->type);
    w.Key("interaction");
    w.StartArray();
    for (const char* code : {"create", "read", "vread", "search-type"}) {
      w.StartObject();
      w.Key("code");
      w.String(code);
      w.EndObject();
    }
    w.EndArray();
    w.Key("conditionalCreate");
    w.Bool(true);
    w.Key("searchParam");
    w.StartArray();
    std::vector<std::pair<std::string, std::string>> params = {{"_id", "token"}};
    if (auto it = searchParameters().find(sd->type); it != searchParameters().end()) {
      for (const std::string& p : it->second) {
        params.emplace_back(p, p == "birthdate" || p == "date"     ? "date"
                               : p == "name"                         ? "string"
                               : p == "patient"                      ? "reference"
                                                                     : "token");
      }
    }
    for (const auto& [name, kind] : params) {
      w.StartObject();
      w.Key("name");
      w.String(name);
      w.Key("type");
      w.String(kind);
      w.EndObject();
    }
    w.EndArray();
    w.Key("operation");
    w.StartArray();
    operation("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("interaction");
  w.StartArray();
  for (const char* code : {"transaction", "batch"}) {
    w.StartObject();
    w.Key("code");
    w.String(code);
    w.EndObject();
  }
  w.EndArray();
  w.Key("operation");
  w.StartArray();
  operation("process-message", "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message");
  operation("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return withBody(200, buffer.GetString());
}

}  // namespace renkei::adapters

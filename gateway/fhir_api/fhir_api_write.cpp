// Writes of the FHIR endpoint: create (conditional with If-None-Exist), update and conditional
// update (PUT, versioned, If-Match), transaction, batch, document and message Bundles. Every
// write is one input of the durable pipeline and is answered only after its commit; versions
// are decided in the commit, so concurrent writers cannot both win.
#include "api_support.h"
#include "renkei/pipeline/search_query.h"
#include "renkei/fhir_api/fhir_api.h"
#include "renkei/core/digest.h"
#include "renkei/fhir/structure.h"
#include "renkei/pipeline/adapter_registry.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/write_intent.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

using pipeline::parseSearchQuery;
using pipeline::SearchQuery;
namespace {

/// The idempotency key that makes parallel identical conditional writes create one resource.
std::string conditionKey(const ApiClient& client, std::string_view type, std::string_view query) {
  return "if-none-exist:" + client.organization + ":" + std::string(type) + "?" +
         normalizedQuery(query);
}

/// "Type/id/_history/N", or "Type/id" when the version is not known (a repeated request).
std::string location(const pipeline::WrittenResource& r) {
  return r.type + "/" + r.id + (r.version > 0 ? "/_history/" + std::to_string(r.version) : "");
}

/// 201 when the write created its (first) resource, else 200.
int writeStatus(const pipeline::SubmitResult& r) {
  if (r.duplicate) return 200;
  if (r.resources.empty() || r.resources.front().version == 0) return 201;
  return r.resources.front().created ? 201 : 200;
}

/// A transaction-response Bundle: one entry per resource, with its status and location.
std::string transactionResponse(const pipeline::SubmitResult& result) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  beginBundle(w, "transaction-response");
  w.Key("entry");
  w.StartArray();
  for (const pipeline::WrittenResource& r : result.resources) {
    w.StartObject();
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.String(!result.duplicate && r.created ? "201 Created" : "200 OK");
    w.Key("location");
    w.String(location(r));
    if (r.version > 0) {
      w.Key("etag");
      w.String("W/\"" + std::to_string(r.version) + "\"");
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

/// Without a request id, a resent request is recognised by its bytes — from the same sender
/// only: another organization posting the same bytes makes its own message.
std::string contentKey(const ApiRequest& request, const ApiClient& client) {
  return "content:" + client.organization + ":" + client.id + ":" + sha256Hex(request.body);
}

std::string inputName(std::string_view type, fhir::SourceFormat format) {
  return std::string(type) + (format == fhir::SourceFormat::Xml ? ".xml" : ".json");
}

}  // namespace

ApiResponse FhirApi::writeResponse(const ApiRequest& request, const ApiClient& client,
                                   const pipeline::SubmitResult& result, bool transaction) const {
  if (auto refused = notCommitted(result)) return *refused;
  const std::string message = std::to_string(result.messageId);
  if (result.state == store::kFailed) {
    ApiResponse r = withBody(failureStatus(result.error), result.error);
    r.headers["X-Renkei-Message"] = message;
    return r;
  }
  const int status = writeStatus(result);
  std::optional<store::StoredResource> stored;
  if (!transaction && store_ && keepResources_ && !result.resources.empty()) {
    const pipeline::WrittenResource& first = result.resources.front();
    auto found = store_->resource(first.type, first.id, {client.organization, {}}, first.version);
    if (found.ok()) stored = found.value();
  }
  // Prefer: return=representation (the default, as clients expect), minimal, or OperationOutcome.
  const std::string prefer = header(request, "prefer");
  ApiResponse r;
  if (prefer.find("return=OperationOutcome") != std::string::npos) {
    r = outcomeResponse(status, "information", result.duplicate ? "duplicate" : "informational",
                        result.duplicate ? "already accepted as message " + message + "; not stored again"
                                         : "accepted as message " + message + " and committed; it will be routed");
  } else if (prefer.find("return=minimal") != std::string::npos) {
    r = withBody(status, "");
  } else if (transaction) {
    r = withBody(status, transactionResponse(result));
  } else if (stored) {
    r = resourceResponse(status, *stored);
    r.headers.erase("Content-Location");
  } else {
    r = outcomeResponse(status, "information", "informational",
                        "accepted as message " + message + "; it will be routed");
  }
  if (!transaction && !result.resources.empty()) {
    pipeline::WrittenResource first = result.resources.front();
    if (stored) first.version = stored->version;
    r.headers["Location"] = publicUrl_ + base_ + "/" + location(first);
    if (first.version > 0) r.headers["ETag"] = "W/\"" + std::to_string(first.version) + "\"";
  }
  r.headers["X-Renkei-Message"] = message;
  return r;
}

std::optional<ApiResponse> FhirApi::checkWrite(const ApiClient& client, std::string_view type,
                                               std::string_view bundleTypes,
                                               const fhir::ReadResult& read) const {
  if (!read.ok()) return std::nullopt;  // the pipeline records it and answers 400
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
  }
  std::vector<const fhir::Node*> resources{&root};
  if (root.resourceType == "Bundle") {
    for (const fhir::Node& e : root.children()) {
      if (e.name != "entry") continue;
      if (const fhir::Node* r = e.child("resource")) resources.push_back(r);
    }
  }
  for (const fhir::Node* r : resources) {
    if (!client.allows(r->resourceType, "write")) {
      return outcomeResponse(403, "error", "forbidden",
                             "client " + client.id + " may not write " +
                                 std::string(r->resourceType));
    }
    if (r->resourceType == "Subscription") {
      if (auto refused = checkSubscription(client, *r)) return refused;
    }
  }
  return std::nullopt;
}

std::optional<ApiResponse> FhirApi::checkSubscription(const ApiClient& client,
                                                      const fhir::Node& subscription) const {
  if (!subscriptions_) {
    return outcomeResponse(422, "error", "not-supported",
                           "this gateway serves no Subscriptions (its operator has not configured "
                           "subscriptions.endpoints)");
  }
  if (!keepResources_) {
    return outcomeResponse(422, "error", "not-supported",
                           "this endpoint keeps no resources (keep_resources false): a Subscription "
                           "posted here would not be kept; post it to an endpoint that keeps them");
  }
  auto read = pipeline::readSubscription(subscription, client.organization, *subscriptions_,
                                         pipeline::systemNowMs());
  if (!read.ok()) return outcomeResponse(422, "error", "business-rule", read.status().message());
  return std::nullopt;
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
  if (auto refused = checkWrite(client, type, bundleTypes, read)) return *refused;
  if (read.ok() && read.document->root()->childValue("type") == "batch" &&
      bundleTypes == "transaction|batch" && format == fhir::SourceFormat::Json) {
    return acceptBatch(request, client);
  }
  // The idempotency key: a conditional create's condition, else the client's request id, else
  // the sender and the SHA-256 of the bytes, so that a resent request is recognised either way.
  std::string key = requestKey(request, client);
  if (key.empty()) key = contentKey(request, client);
  const std::string condition = header(request, "if-none-exist");
  if (!condition.empty()) {
    // An existing match is the answer; none: create, keyed by the condition so that parallel
    // identical conditional creates make one resource.
    auto matched = findMatches(client, std::string(type), condition);
    if (matched.response) return *matched.response;
    if (matched.resource) {
      ApiResponse r = resourceResponse(200, *matched.resource);
      r.headers.erase("Content-Location");
      return r;
    }
    key = conditionKey(client, type, condition);
  }
  pipeline::WriteIntent intent;
  intent.keepResources = keepResources_;
  const store::RawInput input{source_, client.organization, inputName(type, *format), key,
                              request.body, pipeline::encodeWriteIntent(intent)};
  return writeResponse(request, client, intake_->submit({input})[0], bundleTypes == "transaction|batch");
}

FhirApi::Matches FhirApi::findMatches(const ApiClient& client, const std::string& type,
                                      const std::string& query) const {
  Matches out;
  if (!store_ || !keepResources_) {
    out.response = outcomeResponse(501, "error", "not-supported",
                                   "this endpoint keeps no resources to match conditions against");
    return out;
  }
  SearchQuery parsed = parseSearchQuery(type, query);
  if (parsed.error.empty() && parsed.criteria.empty()) parsed.error = "the condition has no search criteria";
  if (parsed.error.empty() && (!parsed.chains.empty() || !parsed.includes.empty() ||
                               !parsed.revincludes.empty())) {
    parsed.error = "a condition takes plain search criteria: no chains, _include or _revinclude";
  }
  if (!parsed.error.empty()) {
    out.response = outcomeResponse(400, "error", "invalid", parsed.error);
    return out;
  }
  int64_t total = 0;
  auto found = store_->search(type, {client.organization, {}}, parsed.criteria, 2, 0, total);
  if (!found.ok()) {
    out.response = storeUnavailable();
  } else if (total > 1) {
    out.response = outcomeResponse(412, "error", "multiple-matches",
                                   "the condition matches " + std::to_string(total) + " " + type +
                                       " resources; make it more selective");
  } else if (total == 1) {
    out.resource = found.value().front();
  }
  return out;
}

ApiResponse FhirApi::update(const ApiRequest& request, const ApiClient& client,
                            const std::string& type, std::string id) const {
  if (!store_ || !keepResources_) {
    return outcomeResponse(405, "error", "not-supported",
                           "this endpoint keeps no resources, so it cannot update them; POST instead");
  }
  auto format = contentFormat(request);
  if (!format) {
    return outcomeResponse(415, "error", "not-supported",
                           "send application/fhir+json or application/fhir+xml");
  }
  auto read = fhir::readResource(request.body, format);
  if (auto refused = checkWrite(client, type, "", read)) return *refused;
  const std::string ifMatchHeader = header(request, "if-match");
  const int64_t ifMatch = pipeline::versionFromETag(ifMatchHeader);
  if (!ifMatchHeader.empty() && ifMatch == 0) {
    return outcomeResponse(400, "error", "invalid", "If-Match must be a version, like W/\"3\"");
  }
  std::string conditionalCreateKey;
  if (id.empty()) {
    // Conditional update: one match is updated, none is created (keyed by the condition, so
    // parallel identical ones create one resource), several are refused.
    auto matched = findMatches(client, type, request.query);
    if (matched.response) return *matched.response;
    const std::string bodyId = read.ok() ? std::string(read.document->root()->childValue("id")) : "";
    if (matched.resource) {
      id = matched.resource->id;
    } else if (!bodyId.empty()) {
      id = bodyId;
    } else {
      conditionalCreateKey = conditionKey(client, type, request.query);
    }
    if (!bodyId.empty() && bodyId != id) {
      return outcomeResponse(400, "error", "invalid",
                             "the resource's id (" + bodyId + ") is not the one the condition matched");
    }
  } else if (read.ok() && read.document->root()->childValue("id") != id) {
    return outcomeResponse(400, "error", "invalid",
                           "the resource's id must be the id in the URL (" + id + ")");
  }
  pipeline::WriteIntent intent;
  intent.keepResources = true;
  if (conditionalCreateKey.empty()) {
    intent.updateType = type;
    intent.updateId = id;
    intent.ifMatch = ifMatch;
  }
  std::string key = requestKey(request, client);
  if (!conditionalCreateKey.empty()) {
    key = conditionalCreateKey;
  } else if (key.empty()) {
    key = uniqueKey(client);
  }
  const store::RawInput input{source_, client.organization, inputName(type, *format), key,
                              request.body, pipeline::encodeWriteIntent(intent)};
  pipeline::SubmitResult result = intake_->submit({input})[0];
  if (!conditionalCreateKey.empty() && result.duplicate && result.committed.ok()) {
    // A parallel conditional update created it first: apply this one as an update of it.
    auto matched = findMatches(client, type, request.query);
    if (matched.response) return *matched.response;
    if (matched.resource) {
      intent.updateType = type;
      intent.updateId = matched.resource->id;
      intent.ifMatch = ifMatch;
      result = intake_->submit({{source_, client.organization, inputName(type, *format),
                                 uniqueKey(client), request.body,
                                 pipeline::encodeWriteIntent(intent)}})[0];
    }
  }
  return writeResponse(request, client, result, false);
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
      const bool hasRequest = req != e.MemberEnd() && req->value.IsObject();
      const std::string method = hasRequest ? pipeline::configString(req->value, "method") : "";
      const std::string url = hasRequest ? pipeline::configString(req->value, "url") : "";
      const std::string type = resource != e.MemberEnd() && resource->value.IsObject()
                                   ? pipeline::configString(resource->value, "resourceType")
                                   : "";
      // PUT Type/id updates (or creates) that resource; the body must carry the same id.
      const bool put = method == "PUT" && !type.empty() && url.rfind(type + "/", 0) == 0 &&
                       url.find_first_of("/?", type.size() + 1) == std::string::npos &&
                       pipeline::configString(resource->value, "id") == url.substr(type.size() + 1);
      if (type.empty() || (method != "POST" && !put) || (put && !keepResources_)) {
        entry.status = method.empty() || method == "POST" || method == "PUT" ? 400 : 501;
        entry.outcome = outcomeResponse(entry.status, "error", "not-supported",
                                        "a batch entry must POST a resource, or PUT it to "
                                        "Type/id with the same id").body;
        entries.push_back(std::move(entry));
        continue;
      }
      if (!client.allows(type, "write")) {
        entry.status = 403;
        entry.outcome = outcomeResponse(403, "error", "forbidden", "may not write " + type).body;
        entries.push_back(std::move(entry));
        continue;
      }
      rapidjson::StringBuffer buffer;
      renkei::fhir::RunCopyingWriter w(buffer);
      resource->value.Accept(w);
      const std::string condition = pipeline::configString(req->value, "ifNoneExist");
      std::string key;
      pipeline::WriteIntent intent;
      intent.keepResources = keepResources_;
      if (put) {
        intent.updateType = type;
        intent.updateId = url.substr(type.size() + 1);
        intent.ifMatch = pipeline::versionFromETag(pipeline::configString(req->value, "ifMatch"));
        key = uniqueKey(client);
      } else if (!condition.empty()) {
        key = conditionKey(client, type, condition);
      }
      entry.input = static_cast<int64_t>(inputs.size());
      inputs.push_back({source_, client.organization, type + ".json", key, buffer.GetString(),
                        pipeline::encodeWriteIntent(intent)});
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
      entry.status = writeStatus(r);
      if (!r.resources.empty()) entry.location = location(r.resources.front());
    }
  }
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
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

}  // namespace renkei::fhir_api

// Shared helpers of the FHIR endpoint (see api_support.h).
#include "api_support.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>

#include <rapidjson/document.h>

#include "renkei/core/password_hash.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

std::string header(const ApiRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

std::optional<fhir::SourceFormat> contentFormat(const ApiRequest& r) {
  std::string type = header(r, "content-type");
  type = type.substr(0, type.find(';'));
  if (type == "application/fhir+json" || type == "application/json") return fhir::SourceFormat::Json;
  if (type == "application/fhir+xml" || type == "application/xml") return fhir::SourceFormat::Xml;
  return std::nullopt;
}

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

ApiResponse withBody(int status, std::string body) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

ApiResponse storeUnavailable() {
  ApiResponse r = outcomeResponse(503, "error", "transient", "the store is unavailable; try again");
  r.headers["Retry-After"] = "5";
  return r;
}

void beginBundle(JsonWriter& w, const char* type) {
  w.StartObject();
  w.Key("resourceType");
  w.String("Bundle");
  w.Key("type");
  w.String(type);
}

int failureStatus(const std::string& operationOutcome) {
  if (operationOutcome.find("\"severity\":\"fatal\"") != std::string::npos) return 400;
  if (operationOutcome.find(std::string("\"code\":\"") + store::kVersionConflictCode + "\"") !=
      std::string::npos) {
    return 412;
  }
  if (operationOutcome.find(std::string("\"code\":\"") + store::kTakenIdCode + "\"") !=
      std::string::npos) {
    return 409;
  }
  return 422;
}

std::string instantFromMs(int64_t ms) {
  const Poco::Timestamp at(static_cast<Poco::Timestamp::TimeVal>(ms) * 1000);
  return Poco::DateTimeFormatter::format(at, "%Y-%m-%dT%H:%M:%S.%i") + "Z";
}

std::string httpDateFromMs(int64_t ms) {
  const Poco::Timestamp at(static_cast<Poco::Timestamp::TimeVal>(ms) * 1000);
  return Poco::DateTimeFormatter::format(at, Poco::DateTimeFormat::HTTP_FORMAT);
}

std::string withServerMeta(const store::StoredResource& resource) {
  rapidjson::Document d;
  d.Parse(resource.content.data(), resource.content.size());
  if (d.HasParseError() || !d.IsObject()) return resource.content;
  auto& a = d.GetAllocator();
  auto meta = d.FindMember("meta");
  if (meta == d.MemberEnd() || !meta->value.IsObject()) {
    d.RemoveMember("meta");
    // meta follows id (and resourceType) in FHIR's element order.
    rapidjson::Value rebuilt(rapidjson::kObjectType);
    for (auto& m : d.GetObject()) {
      const std::string_view name = m.name.GetString();
      rebuilt.AddMember(m.name, m.value, a);
      if (name == "id") rebuilt.AddMember("meta", rapidjson::Value(rapidjson::kObjectType), a);
    }
    if (!rebuilt.HasMember("meta")) rebuilt.AddMember("meta", rapidjson::Value(rapidjson::kObjectType), a);
    d.SetObject();
    for (auto& m : rebuilt.GetObject()) d.AddMember(m.name, m.value, a);
    meta = d.FindMember("meta");
  }
  const std::string version = std::to_string(resource.version);
  const std::string updated = instantFromMs(resource.updatedMs);
  rapidjson::Value fresh(rapidjson::kObjectType);
  fresh.AddMember("versionId", rapidjson::Value(version.c_str(), a), a);
  fresh.AddMember("lastUpdated", rapidjson::Value(updated.c_str(), a), a);
  for (auto& m : meta->value.GetObject()) {
    const std::string_view name = m.name.GetString();
    if (name != "versionId" && name != "lastUpdated") fresh.AddMember(m.name, m.value, a);
  }
  meta->value = fresh;
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  d.Accept(w);
  return buffer.GetString();
}

std::string uniqueKey(const ApiClient& client) {
  // OpenSSL's generator: Poco's random UUIDs open, read and close /dev/urandom on every call.
  return "write:" + client.organization + ":" + randomToken(16);
}

std::string requestKey(const ApiRequest& request, const ApiClient& client) {
  std::string id = header(request, "idempotency-key");
  if (id.empty()) id = header(request, "x-request-id");
  return id.empty() ? "" : "request:" + client.organization + ":" + client.id + ":" + id;
}

std::optional<ApiResponse> notCommitted(const pipeline::SubmitResult& result) {
  if (result.committed.code() == StatusCode::Conflict) {
    // Concurrent writers kept colliding on one unique key (the pipeline retried already).
    return outcomeResponse(409, "error", "conflict",
                           "a concurrent write to the same resource won; read it again and retry");
  }
  if (result.committed.ok()) return std::nullopt;
  ApiResponse r = outcomeResponse(503, "error", "transient",
                                  "the input could not be stored; nothing was accepted");
  r.headers["Retry-After"] = "5";
  return r;
}

}  // namespace renkei::fhir_api

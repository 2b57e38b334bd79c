// Reads of the FHIR endpoint: read, vread and history of one resource. A client sees its own
// organization's resources and those routed to the destinations that deliver to its organization
// (config `recipients`); any other looks exactly like a missing one. The directory (Organization,
// Practitioner, PractitionerRole, HealthcareService, Location, Endpoint) is every client's.
#include "api_support.h"
#include "renkei/fhir_api/fhir_api.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

ApiResponse FhirApi::read(const ApiClient& client, const std::string& type, const std::string& id,
                          int64_t version) const {
  if (!client.allows(type, "read")) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not read " + type);
  }
  if (!store_ || !keepResources_) {
    return outcomeResponse(501, "error", "not-supported", "this endpoint keeps no resources to read");
  }
  auto found = store_->resource(type, id, readScope(client, type), version);
  if (!found.ok()) return storeUnavailable();
  if (!found.value()) {
    return outcomeResponse(404, "error", "not-found",
                           type + "/" + id + (version > 0 ? "/_history/" + std::to_string(version) : "") +
                               " is not known");
  }
  if (found.value()->content.empty()) {
    ApiResponse gone = outcomeResponse(410, "error", "deleted",
                                       type + "/" + id + " was deleted (version " +
                                           std::to_string(found.value()->version) + ")");
    gone.headers["ETag"] = "W/\"" + std::to_string(found.value()->version) + "\"";
    return gone;
  }
  ApiResponse r = resourceResponse(200, *found.value());
  r.viewed = {found.value()->messageId};
  return r;
}

store::ReadScope FhirApi::readScope(const ApiClient& client, const std::string& type) const {
  auto sent = recipients_.find(client.organization);
  return {client.organization, sent == recipients_.end() ? std::vector<std::string>{} : sent->second,
          pipeline::isDirectoryType(type)};
}

ApiResponse FhirApi::resourceResponse(int status, const store::StoredResource& resource) const {
  ApiResponse r = withBody(status, withServerMeta(resource));
  const std::string version = std::to_string(resource.version);
  r.headers["ETag"] = "W/\"" + version + "\"";
  r.headers["Last-Modified"] = httpDateFromMs(resource.updatedMs);
  r.headers["Content-Location"] =
      base_ + "/" + resource.type + "/" + resource.id + "/_history/" + version;
  return r;
}

void FhirApi::writeFullUrlAndResource(renkei::fhir::RunCopyingWriter& w,
                                      const store::StoredResource& r) const {
  w.Key("fullUrl");
  w.String(publicUrl_ + base_ + "/" + r.type + "/" + r.id);
  w.Key("resource");
  const std::string content = withServerMeta(r);
  w.RawValue(content.data(), content.size(), rapidjson::kObjectType);
}

ApiResponse FhirApi::history(const ApiClient& client, const std::string& type,
                             const std::string& id) const {
  if (!client.allows(type, "read")) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not read " + type);
  }
  if (!store_ || !keepResources_) {
    return outcomeResponse(501, "error", "not-supported", "this endpoint keeps no resources to read");
  }
  constexpr int64_t kMaxVersions = 1000;
  auto versions = store_->history(type, id, readScope(client, type), kMaxVersions);
  if (!versions.ok()) return storeUnavailable();
  if (versions.value().empty()) {
    return outcomeResponse(404, "error", "not-found", type + "/" + id + " is not known");
  }
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  beginBundle(w, "history");
  w.Key("total");
  w.Int64(static_cast<int64_t>(versions.value().size()));
  w.Key("entry");
  w.StartArray();
  for (const store::StoredResource& r : versions.value()) {
    const std::string version = std::to_string(r.version);
    const bool created = r.version == 1;
    const bool deleted = r.content.empty();
    w.StartObject();
    if (!deleted) writeFullUrlAndResource(w, r);
    w.Key("request");
    w.StartObject();
    w.Key("method");
    w.String(deleted ? "DELETE" : created ? "POST" : "PUT");
    w.Key("url");
    w.String(created && !deleted ? r.type : r.type + "/" + r.id);
    w.EndObject();
    w.Key("response");
    w.StartObject();
    w.Key("status");
    w.String(deleted ? "204 No Content" : created ? "201 Created" : "200 OK");
    w.Key("etag");
    w.String("W/\"" + version + "\"");
    w.Key("lastModified");
    w.String(instantFromMs(r.updatedMs));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ApiResponse response = withBody(200, buffer.GetString());
  for (const store::StoredResource& r : versions.value()) response.viewed.push_back(r.messageId);
  return response;
}

}  // namespace renkei::fhir_api

// Search of the FHIR endpoint: criteria, one-level chains, _include and _revinclude, paging. Each
// type is searched in what the client may read of it (FhirApi::readScope), chained and included
// types too, so an include never reaches what a read would not.
#include <set>

#include <rapidjson/document.h>

#include "api_support.h"
#include "renkei/fhir_api/fhir_api.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/pipeline/search_query.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhir_api {

using pipeline::parseSearchQuery;
using pipeline::ChainedCriterion;
using pipeline::IncludeSpec;
using pipeline::SearchQuery;
namespace {

/// Most resources a chain may select before the search is refused as too broad.
constexpr int64_t kMaxChained = 1000;
/// Most resources _include and _revinclude add to one page.
constexpr int64_t kMaxIncluded = 500;

std::string keyOf(const store::StoredResource& r) {
  return r.organization + "\n" + r.type + "/" + r.id;
}

/// The "Type/id" references `resource` makes through its search parameter `param`.
std::vector<std::string> referencesOf(const rapidjson::Document& resource, const std::string& param) {
  std::vector<std::string> out;
  if (resource.HasParseError() || !resource.IsObject()) return out;
  for (auto& [name, value] : pipeline::searchValues(resource, param)) out.push_back(value);
  return out;
}

}  // namespace

ApiResponse FhirApi::search(const ApiRequest& request, const ApiClient& client,
                            const std::string& type) const {
  auto forbidden = [&](const std::string& what) {
    return outcomeResponse(403, "error", "forbidden", "client " + client.id + " may not read " + what);
  };
  if (!client.allows(type, "read")) return forbidden(type);
  if (!store_ || !keepResources_) {
    return outcomeResponse(501, "error", "not-supported", "this endpoint keeps no resources to search");
  }
  const SearchQuery query = parseSearchQuery(type, request.query);
  if (!query.error.empty()) return outcomeResponse(400, "error", "not-supported", query.error);
  for (const ChainedCriterion& chain : query.chains) {
    if (!client.allows(chain.targetType, "read")) return forbidden(chain.targetType);
  }
  for (const IncludeSpec& spec : query.revincludes) {
    if (!client.allows(spec.sourceType, "read")) return forbidden(spec.sourceType);
  }

  std::vector<store::SearchCriterion> criteria = query.criteria;
  for (const ChainedCriterion& chain : query.chains) {
    int64_t selected = 0;
    auto targets = store_->search(chain.targetType, readScope(client, chain.targetType),
                                  chain.criteria, kMaxChained, 0, selected);
    if (!targets.ok()) return storeUnavailable();
    if (selected > kMaxChained) {
      return outcomeResponse(400, "error", "too-costly",
                             "the chain through " + chain.param + " selects " +
                                 std::to_string(selected) + " " + chain.targetType +
                                 " resources; narrow it");
    }
    store::SearchCriterion in{chain.param, "in", ""};
    for (const store::StoredResource& t : targets.value()) in.values.push_back(t.type + "/" + t.id);
    criteria.push_back(std::move(in));
  }

  const int64_t count = query.count, offset = query.offset;
  int64_t total = 0;
  auto found = store_->search(type, readScope(client, type), criteria, count, offset, total);
  if (!found.ok()) return storeUnavailable();
  const std::vector<store::StoredResource>& matches = found.value();

  std::vector<store::StoredResource> included;
  std::set<std::string> seen;
  for (const store::StoredResource& m : matches) seen.insert(keyOf(m));
  auto include = [&](const store::StoredResource& r) {
    if (static_cast<int64_t>(included.size()) < kMaxIncluded && seen.insert(keyOf(r)).second) {
      included.push_back(r);
    }
  };
  for (const store::StoredResource& m : matches) {
    if (query.includes.empty()) break;
    rapidjson::Document parsed;  // once per match, whatever the number of includes
    parsed.Parse(m.content.data(), m.content.size());
    for (const IncludeSpec& spec : query.includes) {
      for (const std::string& ref : referencesOf(parsed, spec.param)) {
        const std::size_t slash = ref.find('/');
        const std::string targetType = ref.substr(0, slash), id = ref.substr(slash + 1);
        if (!spec.targetType.empty() && targetType != spec.targetType) continue;
        if (!isResourceTypeName(targetType) || !client.allows(targetType, "read")) continue;
        auto target = store_->resource(targetType, id, readScope(client, targetType), 0);
        if (!target.ok()) return storeUnavailable();
        if (target.value()) include(*target.value());
      }
    }
  }
  for (const IncludeSpec& spec : query.revincludes) {
    store::SearchCriterion in{spec.param, "in", ""};
    for (const store::StoredResource& m : matches) {
      if (spec.targetType.empty() || spec.targetType == type) in.values.push_back(type + "/" + m.id);
    }
    if (in.values.empty()) continue;
    int64_t referring = 0;
    auto sources = store_->search(spec.sourceType, readScope(client, spec.sourceType), {in},
                                  kMaxIncluded, 0, referring);
    if (!sources.ok()) return storeUnavailable();
    for (const store::StoredResource& r : sources.value()) include(r);
  }

  auto pageUrl = [&](int64_t pageOffset) {
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
    return publicUrl_ + base_ + "/" + type + "?" + kept + "_count=" + std::to_string(count) +
           "&_offset=" + std::to_string(pageOffset);
  };
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
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
  auto entry = [&](const store::StoredResource& r, const char* mode) {
    w.StartObject();
    writeFullUrlAndResource(w, r);
    w.Key("search");
    w.StartObject();
    w.Key("mode");
    w.String(mode);
    w.EndObject();
    w.EndObject();
  };
  for (const store::StoredResource& r : matches) entry(r, "match");
  for (const store::StoredResource& r : included) entry(r, "include");
  w.EndArray();
  w.EndObject();
  ApiResponse response = withBody(200, buffer.GetString());
  for (const store::StoredResource& r : matches) response.viewed.push_back(r.messageId);
  for (const store::StoredResource& r : included) response.viewed.push_back(r.messageId);
  return response;
}

}  // namespace renkei::fhir_api

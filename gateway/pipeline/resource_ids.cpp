// identifyResources: id assignment and reference rewriting on RapidJSON documents.
#include "renkei/pipeline/resource_ids.h"

#include "renkei/mapping/mapping_engine.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::pipeline {
namespace {

using rapidjson::Value;

void rewriteReferences(Value& v, const std::map<std::string, std::string>& ids,
                       rapidjson::Document::AllocatorType& a) {
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (std::string_view(m.name.GetString()) == "reference" && m.value.IsString()) {
        auto it = ids.find(m.value.GetString());
        if (it != ids.end()) m.value.SetString(it->second.c_str(), a);
      } else {
        rewriteReferences(m.value, ids, a);
      }
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) rewriteReferences(e, ids, a);
  }
}

std::string memberString(const Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

/// Removes what the store assigns (meta.versionId, meta.lastUpdated), and meta if that empties it.
void dropServerMeta(Value& resource) {
  auto meta = resource.FindMember("meta");
  if (meta == resource.MemberEnd() || !meta->value.IsObject()) return;
  meta->value.RemoveMember("versionId");
  meta->value.RemoveMember("lastUpdated");
  if (meta->value.ObjectEmpty()) resource.RemoveMember("meta");
}

/// A client-named target: the entry's request when it is PUT Type/id (no condition).
struct ClientTarget {
  std::string id;
  int64_t ifMatch = 0;
};

std::optional<ClientTarget> putTarget(const Value& entry, const std::string& type) {
  auto request = entry.FindMember("request");
  if (request == entry.MemberEnd() || !request->value.IsObject()) return std::nullopt;
  if (memberString(request->value, "method") != "PUT") return std::nullopt;
  const std::string url = memberString(request->value, "url");
  if (url.rfind(type + "/", 0) != 0 || url.find_first_of("?/", type.size() + 1) != std::string::npos) {
    return std::nullopt;
  }
  return ClientTarget{url.substr(type.size() + 1),
                      versionFromETag(memberString(request->value, "ifMatch"))};
}

/// A collection Bundle a mapping made from a file's record (tagged with the mapping's id).
bool madeByMapping(const Value& bundle) {
  auto meta = bundle.FindMember("meta");
  if (meta == bundle.MemberEnd() || !meta->value.IsObject()) return false;
  auto tags = meta->value.FindMember("tag");
  if (tags == meta->value.MemberEnd() || !tags->value.IsArray()) return false;
  for (const auto& tag : tags->value.GetArray()) {
    if (tag.IsObject() && memberString(tag, "system") == mapping::kMappingTagSystem) return true;
  }
  return false;
}

}  // namespace

std::string deterministicId(std::string_view key, std::string_view originalIdentity) {
  return "rk" + sha256Hex(std::string(key) + "\n" + std::string(originalIdentity)).substr(0, 40);
}

std::string messageResourceId(int64_t messageId, std::size_t index) {
  char id[48];
  std::snprintf(id, sizeof id, "m%012lld-%zu", static_cast<long long>(messageId), index);
  return id;
}

bool isMessageResourceId(std::string_view id) {
  const std::size_t dash = id.find('-');
  if (id.size() < 4 || id[0] != 'm' || dash == std::string_view::npos || dash < 2 ||
      dash + 1 == id.size()) {
    return false;
  }
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(id.substr(1, dash - 1)) && digits(id.substr(dash + 1));
}

int64_t versionFromETag(std::string_view etag) {
  if (etag.rfind("W/", 0) == 0) etag.remove_prefix(2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  if (etag.empty() || etag.size() > 18) return 0;
  int64_t version = 0;
  for (char c : etag) {
    if (c < '0' || c > '9') return 0;
    version = version * 10 + (c - '0');
  }
  return version;
}

Result<std::vector<IdentifiedResource>> identifyResources(std::string_view canonicalJson,
                                                          const IdNaming& naming,
                                                          const WriteIntent& intent) {
  rapidjson::Document in;
  in.Parse(canonicalJson.data(), canonicalJson.size());
  if (in.HasParseError() || !in.IsObject()) return Status::invalidInput("canonical JSON unreadable");
  std::vector<Value*> resources;
  std::vector<std::string> fullUrls;
  std::vector<std::optional<ClientTarget>> targets;
  const std::string bundleType = memberString(in, "type");
  const bool isBundle = memberString(in, "resourceType") == "Bundle";
  const bool mapped = isBundle && bundleType == "collection" && madeByMapping(in);
  if (isBundle && (bundleType == "transaction" || bundleType == "batch" || mapped)) {
    auto e = in.FindMember("entry");
    if (e != in.MemberEnd() && e->value.IsArray()) {
      for (auto& entry : e->value.GetArray()) {
        auto r = entry.FindMember("resource");
        if (r == entry.MemberEnd() || !r->value.IsObject()) continue;
        resources.push_back(&r->value);
        fullUrls.push_back(memberString(entry, "fullUrl"));
        const std::string id = memberString(r->value, "id");
        if (mapped) {
          // A mapping names each resource by its business key (a plan, and the file that
          // withdraws it, name the same CarePlan): each one is an update of that resource.
          targets.push_back(id.empty() ? std::nullopt : std::optional<ClientTarget>(ClientTarget{id, 0}));
        } else {
          targets.push_back(putTarget(entry, memberString(r->value, "resourceType")));
        }
      }
    }
  } else {
    resources.push_back(&in);
    fullUrls.emplace_back();
    if (intent.isUpdate()) {
      targets.push_back(ClientTarget{intent.updateId, intent.ifMatch});
    } else {
      targets.emplace_back();
    }
  }
  std::map<std::string, std::string> references;  // original reference → Type/newId
  std::vector<IdentifiedResource> out;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const std::string type = memberString(*resources[i], "resourceType");
    const std::string oldId = memberString(*resources[i], "id");
    const std::string identity = !fullUrls[i].empty() ? fullUrls[i] : type + "/" + oldId;
    IdentifiedResource copy{type,
                            naming.messageId > 0 ? messageResourceId(naming.messageId, i)
                                                 : deterministicId(naming.key, identity),
                            "", {}};
    if (targets[i]) {
      copy.id = naming.clientNamespace.empty()
                    ? targets[i]->id
                    : deterministicId(naming.clientNamespace, type + "/" + targets[i]->id);
      copy.update = true;
      copy.ifMatch = targets[i]->ifMatch;
      copy.sharedId = isDirectoryType(type);
    }
    out.push_back(std::move(copy));
    if (!fullUrls[i].empty()) references[fullUrls[i]] = type + "/" + out.back().id;
    if (!oldId.empty()) references[type + "/" + oldId] = type + "/" + out.back().id;
  }
  for (std::size_t i = 0; i < resources.size(); ++i) {
    Value& r = *resources[i];
    rewriteReferences(r, references, in.GetAllocator());
    dropServerMeta(r);
    auto idMember = r.FindMember("id");
    if (idMember != r.MemberEnd()) {
      idMember->value.SetString(out[i].id.c_str(), in.GetAllocator());
    } else {
      r.AddMember("id", Value(out[i].id.c_str(), in.GetAllocator()), in.GetAllocator());
    }
    out[i].search = searchValues(r);
    rapidjson::StringBuffer buffer;
    renkei::fhir::RunCopyingWriter writer(buffer);
    r.Accept(writer);
    out[i].json.assign(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

}  // namespace renkei::pipeline

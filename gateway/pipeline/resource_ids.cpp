// identifyResources: id assignment and reference rewriting on RapidJSON documents.
#include "renkei/pipeline/resource_ids.h"

#include <map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/pipeline/search_values.h"

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

}  // namespace

std::string deterministicId(std::string_view key, std::string_view originalIdentity) {
  return "rk" + sha256Hex(std::string(key) + "\n" + std::string(originalIdentity)).substr(0, 40);
}

Result<std::vector<IdentifiedResource>> identifyResources(std::string_view canonicalJson,
                                                          std::string_view key) {
  rapidjson::Document in;
  in.Parse(canonicalJson.data(), canonicalJson.size());
  if (in.HasParseError() || !in.IsObject()) return Status::invalidInput("canonical JSON unreadable");
  std::vector<Value*> resources;
  std::vector<std::string> fullUrls;
  const std::string bundleType = memberString(in, "type");
  if (memberString(in, "resourceType") == "Bundle" &&
      (bundleType == "transaction" || bundleType == "batch")) {
    auto e = in.FindMember("entry");
    if (e != in.MemberEnd() && e->value.IsArray()) {
      for (auto& entry : e->value.GetArray()) {
        auto r = entry.FindMember("resource");
        if (r == entry.MemberEnd() || !r->value.IsObject()) continue;
        resources.push_back(&r->value);
        fullUrls.push_back(memberString(entry, "fullUrl"));
      }
    }
  } else {
    resources.push_back(&in);
    fullUrls.emplace_back();
  }
  std::map<std::string, std::string> references;  // original reference → Type/newId
  std::vector<IdentifiedResource> out;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const std::string type = memberString(*resources[i], "resourceType");
    const std::string oldId = memberString(*resources[i], "id");
    const std::string identity = !fullUrls[i].empty() ? fullUrls[i] : type + "/" + oldId;
    out.push_back({type, deterministicId(key, identity), ""});
    if (!fullUrls[i].empty()) references[fullUrls[i]] = type + "/" + out.back().id;
    if (!oldId.empty()) references[type + "/" + oldId] = type + "/" + out.back().id;
  }
  for (std::size_t i = 0; i < resources.size(); ++i) {
    Value& r = *resources[i];
    rewriteReferences(r, references, in.GetAllocator());
    auto idMember = r.FindMember("id");
    if (idMember != r.MemberEnd()) {
      idMember->value.SetString(out[i].id.c_str(), in.GetAllocator());
    } else {
      r.AddMember("id", Value(out[i].id.c_str(), in.GetAllocator()), in.GetAllocator());
    }
    out[i].search = searchValues(r);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    r.Accept(writer);
    out[i].json.assign(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

}  // namespace renkei::pipeline

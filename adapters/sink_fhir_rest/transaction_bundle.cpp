// Builds the idempotent transaction Bundle the fhir_rest sink sends (see fhir_rest_sink.h).
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir_rest_sink.h"
#include "renkei/core/digest.h"

namespace renkei::adapters {
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

std::string deterministicId(std::string_view idempotencyKey, std::string_view originalIdentity) {
  return "rk" + sha256Hex(std::string(idempotencyKey) + "\n" + std::string(originalIdentity))
                    .substr(0, 40);
}

Result<std::string> transactionBundle(std::string_view canonicalJson, std::string_view key) {
  rapidjson::Document in;
  in.Parse(canonicalJson.data(), canonicalJson.size());
  if (in.HasParseError() || !in.IsObject()) return Status::invalidInput("canonical JSON unreadable");
  rapidjson::Document out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("resourceType", "Bundle", a);
  out.AddMember("type", "transaction", a);
  Value entries(rapidjson::kArrayType);

  std::vector<Value*> resources;
  std::vector<std::string> fullUrls;
  if (memberString(in, "resourceType") == "Bundle") {
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
  std::map<std::string, std::string> ids;  // original reference → Type/newId
  std::vector<std::string> newIds;
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const std::string type = memberString(*resources[i], "resourceType");
    const std::string oldId = memberString(*resources[i], "id");
    const std::string identity = !fullUrls[i].empty() ? fullUrls[i] : type + "/" + oldId;
    const std::string newId = deterministicId(key, identity);
    newIds.push_back(newId);
    if (!fullUrls[i].empty()) ids[fullUrls[i]] = type + "/" + newId;
    if (!oldId.empty()) ids[type + "/" + oldId] = type + "/" + newId;
  }
  for (std::size_t i = 0; i < resources.size(); ++i) {
    Value& r = *resources[i];
    const std::string type = memberString(r, "resourceType");
    rewriteReferences(r, ids, in.GetAllocator());
    auto idMember = r.FindMember("id");
    if (idMember != r.MemberEnd()) {
      idMember->value.SetString(newIds[i].c_str(), in.GetAllocator());
    } else {
      r.AddMember("id", Value(newIds[i].c_str(), in.GetAllocator()), in.GetAllocator());
    }
    Value entry(rapidjson::kObjectType);
    const std::string url = type + "/" + newIds[i];
    entry.AddMember("resource", Value(r, a), a);
    Value request(rapidjson::kObjectType);
    request.AddMember("method", "PUT", a);
    request.AddMember("url", Value(url.c_str(), a), a);
    entry.AddMember("request", request, a);
    entries.PushBack(entry, a);
  }
  out.AddMember("entry", entries, a);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  out.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<std::string> resourceWithId(std::string_view canonicalJson, const std::string& id) {
  rapidjson::Document doc;
  doc.Parse(canonicalJson.data(), canonicalJson.size());
  if (doc.HasParseError() || !doc.IsObject()) return Status::invalidInput("canonical JSON unreadable");
  auto member = doc.FindMember("id");
  if (member != doc.MemberEnd()) {
    member->value.SetString(id.c_str(), doc.GetAllocator());
  } else {
    doc.AddMember("id", Value(id.c_str(), doc.GetAllocator()), doc.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace renkei::adapters

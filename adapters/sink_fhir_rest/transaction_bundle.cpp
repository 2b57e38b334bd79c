// Builds the idempotent transaction Bundle the fhir_rest sink sends (see fhir_rest_sink.h).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fhir_rest_sink.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::adapters {

std::string senderNamespace(const std::string& sender) { return "sender\n" + sender; }

Result<std::string> transactionBundle(std::string_view canonicalJson, std::string_view key,
                                      const std::string& sender, const std::string& writeIntent) {
  auto resources = pipeline::identifyResources(
      canonicalJson, {std::string(key), 0, senderNamespace(sender)},
      pipeline::decodeWriteIntent(writeIntent));
  if (!resources.ok()) return resources.status();
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("resourceType");
  w.String("Bundle");
  w.Key("type");
  w.String("transaction");
  w.Key("entry");
  w.StartArray();
  for (const pipeline::IdentifiedResource& r : resources.value()) {
    const std::string url = r.type + "/" + r.id;
    w.StartObject();
    w.Key("resource");
    w.RawValue(r.json.data(), r.json.size(), rapidjson::kObjectType);
    w.Key("request");
    w.StartObject();
    w.Key("method");
    w.String("PUT");
    w.Key("url");
    w.String(url);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
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
    doc.AddMember("id", rapidjson::Value(id.c_str(), doc.GetAllocator()), doc.GetAllocator());
  }
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace renkei::adapters

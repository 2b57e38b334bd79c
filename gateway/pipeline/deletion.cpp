// Deletions as messages (see deletion.h).
#include "renkei/pipeline/deletion.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::pipeline {

std::string deletionBundle(const std::string& type, const std::string& id) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  const std::string url = type + "/" + id;
  w.StartObject();
  w.Key("resourceType");
  w.String("Bundle");
  w.Key("type");
  w.String("transaction");
  w.Key("entry");
  w.StartArray();
  w.StartObject();
  w.Key("request");
  w.StartObject();
  w.Key("method");
  w.String("DELETE");
  w.Key("url");
  w.String(url.c_str(), static_cast<rapidjson::SizeType>(url.size()));
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

store::RoutingOutcome routeDeletion(store::Store& store, const WriteIntent& intent,
                                    const std::string& sender, std::string canonical,
                                    const std::function<bool(const std::string&)>& deliversDeletions) {
  store::RoutingOutcome o;
  auto past = store.deliveriesOfResource(intent.updateType, intent.updateId, sender);
  if (!past.ok()) {
    o.state = store::kFailed;
    o.error = fhir::operationOutcomeJson({fhir::fatalIssue(
        "where " + intent.updateType + "/" + intent.updateId +
        " was sent could not be read (" + past.status().message() + "): delete it again")});
    return o;
  }
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("deletion");
  const std::string target = intent.updateType + "/" + intent.updateId;
  w.String(target.c_str(), static_cast<rapidjson::SizeType>(target.size()));
  std::vector<std::string> told, notTold;
  for (const store::PastDelivery& d : past.value()) {
    if (deliversDeletions(d.destination)) {
      o.deliveries.push_back({d.destination, d.orderingKey, d.recipient, ""});
      told.push_back(d.destination);
    } else {
      notTold.push_back(d.destination);
    }
  }
  for (const auto& [key, list] : {std::pair{"followsTo", &told}, {"cannotTell", &notTold}}) {
    w.Key(key);
    w.StartArray();
    for (const std::string& d : *list) w.String(d.c_str(), static_cast<rapidjson::SizeType>(d.size()));
    w.EndArray();
  }
  w.EndObject();
  o.routing = buffer.GetString();
  o.canonical = std::move(canonical);
  o.state = o.deliveries.empty() ? store::kUnrouted : store::kRouted;
  return o;
}

}  // namespace renkei::pipeline

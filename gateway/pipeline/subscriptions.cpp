// Subscriptions: reading a Subscription resource, the operator's endpoint policy, the snapshot of
// active subscriptions, and the rest-hook deliveries a routed message makes (see subscriptions.h).
#include "renkei/pipeline/subscriptions.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <Poco/DateTime.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/json_fields.h"
#include "renkei/core/json_log.h"
#include "renkei/core/steady_clock.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/search_parameters.h"
#include "renkei/pipeline/search_values.h"
#include "renkei/pipeline/search_query.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::pipeline {
namespace {

constexpr int64_t kPage = 1000;

/// Whether `url` lies under `prefix`: equal, or the prefix ends a path segment there.
bool under(const std::string& url, const std::string& prefix) {
  if (prefix.empty() || url.compare(0, prefix.size(), prefix) != 0) return false;
  return prefix.back() == '/' || url.size() == prefix.size() || url[prefix.size()] == '/' ||
         url[prefix.size()] == '?';
}

/// Milliseconds since the epoch of a FHIR instant or dateTime; nullopt when it does not parse.
std::optional<int64_t> instantMs(const std::string& text) {
  Poco::DateTime parsed;
  int zone = 0;
  if (!Poco::DateTimeParser::tryParse(text, parsed, zone)) return std::nullopt;
  return parsed.timestamp().epochMicroseconds() / 1000 - static_cast<int64_t>(zone) * 1000;
}

bool isJsonPayload(std::string_view payload) {
  const std::string_view type = payload.substr(0, payload.find(';'));
  return type == "application/fhir+json" || type == "application/json";
}

}  // namespace

std::string SubscriptionPolicy::refuseEndpoint(const std::string& organization,
                                               const std::string& url) const {
  try {
    const Poco::URI uri(url);
    if (uri.getScheme() != "https" && uri.getScheme() != "http") {
      return "the endpoint must be an https (or http) URL";
    }
    if (!uri.getUserInfo().empty() || !uri.getFragment().empty() || uri.getHost().empty()) {
      return "the endpoint may not carry user information or a fragment";
    }
    const std::string path = uri.getPath();
    if (path.find("/./") != std::string::npos || path.find("/../") != std::string::npos ||
        (path.size() >= 2 && (path.compare(path.size() - 2, 2, "/.") == 0)) ||
        (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0)) {
      return "the endpoint's path may not have . or .. segments";
    }
  } catch (const Poco::Exception& e) {
    return "the endpoint is not a URL (" + e.message() + ")";
  }
  for (const std::string& who : {organization, std::string("*")}) {
    auto listed = endpoints.find(who);
    if (listed == endpoints.end()) continue;
    for (const std::string& prefix : listed->second) {
      if (under(url, prefix)) return "";
    }
  }
  return "the endpoint " + url + " is not one the operator allows organization " + organization +
         " (subscriptions.endpoints)";
}

Result<Subscription> readSubscription(const fhir::Node& resource, const std::string& organization,
                                      const SubscriptionPolicy& policy, int64_t nowMs) {
  if (resource.resourceType != "Subscription") return Status::invalidInput("not a Subscription");
  Subscription s;
  s.organization = organization;
  s.id = std::string(resource.childValue("id"));
  const std::string status(resource.childValue("status"));
  s.active = status == "requested" || status == "active";
  const std::string end(resource.childValue("end"));
  if (!end.empty()) {
    const std::optional<int64_t> endMs = instantMs(end);
    if (!endMs) return Status::invalidInput("Subscription.end is not a dateTime: " + end);
    s.endMs = *endMs;
    if (*endMs <= nowMs) s.active = false;
  }
  const std::string criteria(resource.childValue("criteria"));
  const std::size_t question = criteria.find('?');
  s.type = criteria.substr(0, question);
  if (!isResourceTypeName(s.type) || searchParametersOf(s.type).empty()) {
    return Status::invalidInput("Subscription.criteria must start with a resource type this server "
                                "indexes (see [base]/metadata), not '" + s.type + "'");
  }
  const SearchQuery query =
      parseSearchQuery(s.type, question == std::string::npos ? "" : criteria.substr(question + 1));
  if (!query.error.empty()) return Status::invalidInput("Subscription.criteria: " + query.error);
  if (!query.chains.empty() || !query.includes.empty() || !query.revincludes.empty()) {
    return Status::invalidInput("Subscription.criteria may not chain or include: each resource is "
                                "decided on its own");
  }
  s.criteria = query.criteria;
  const fhir::Node* channel = resource.child("channel");
  if (channel == nullptr || channel->childValue("type") != "rest-hook") {
    return Status::invalidInput("only Subscription.channel.type rest-hook is supported");
  }
  s.endpoint = std::string(channel->childValue("endpoint"));
  if (s.endpoint.empty()) return Status::invalidInput("Subscription.channel.endpoint is missing");
  if (std::string refused = policy.refuseEndpoint(organization, s.endpoint); !refused.empty()) {
    return Status::invalidInput(refused);
  }
  s.payload = std::string(channel->childValue("payload"));
  if (!s.payload.empty() && !isJsonPayload(s.payload)) {
    return Status::invalidInput("Subscription.channel.payload must be application/fhir+json or "
                                "absent (an empty notification), not " + s.payload);
  }
  for (const fhir::Node& h : channel->children()) {
    if (h.name != "header") continue;
    const std::string line(h.value);
    if (line.find_first_of("\r\n") != std::string::npos || line.find(':') == std::string::npos ||
        line.find(':') == 0) {
      return Status::invalidInput("Subscription.channel.header must be 'Name: value' on one line");
    }
    std::string name = line.substr(0, line.find(':'));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "host" || name == "content-length" || name == "transfer-encoding" ||
        name == "connection" || name == "content-type") {
      return Status::invalidInput("Subscription.channel.header may not set " + name);
    }
    s.headers.push_back(line);
  }
  return s;
}

SubscriptionLookup::SubscriptionLookup(std::shared_ptr<store::Store> store,
                                       SubscriptionPolicy policy, int64_t checkMs)
    : store_(std::move(store)), policy_(std::move(policy)), checkMs_(checkMs) {}

void SubscriptionLookup::noteWritten(std::string_view type) {
  if (type == "Subscription") dirty_ = true;
}

std::shared_ptr<const std::vector<Subscription>> SubscriptionLookup::current(int64_t nowMs) {
  std::lock_guard lock(mutex_);
  const int64_t now = steadyNowMs();
  if (!dirty_ && snapshot_ && now - checkedAtMs_ < checkMs_) return snapshot_;
  checkedAtMs_ = now;
  auto latest = store_->latestResourceMessage("Subscription");
  const int64_t mark = latest.ok() ? latest.value() : -1;
  if (!dirty_ && snapshot_ && mark == seenMessage_) return snapshot_;
  dirty_ = false;  // before the load: a write during it makes the next call look again
  auto loaded = load(nowMs);
  if (!loaded.ok()) {
    seenMessage_ = -1;
    JsonLog::write(LogLevel::Warn, "subscriptions_not_loaded", {{"error", loaded.status().toString()}});
    if (!snapshot_) snapshot_ = std::make_shared<const std::vector<Subscription>>();
    return snapshot_;
  }
  snapshot_ = std::make_shared<const std::vector<Subscription>>(std::move(loaded).value());
  seenMessage_ = mark;
  return snapshot_;
}

Result<std::vector<Subscription>> SubscriptionLookup::load(int64_t nowMs) {
  std::vector<Subscription> out;
  std::string afterOrganization, afterId;
  int unusable = 0;
  for (;;) {
    auto page = store_->currentResources("Subscription", afterOrganization, afterId, kPage);
    if (!page.ok()) return page.status();
    for (const store::StoredResource& r : page.value()) {
      fhir::ReadResult read = fhir::readResource(r.content, fhir::SourceFormat::Json);
      if (!read.ok()) continue;
      auto s = readSubscription(*read.document->root(), r.organization, policy_, nowMs);
      if (!s.ok()) {
        ++unusable;
        continue;
      }
      if (!s.value().active) continue;
      s.value().id = r.id;
      out.push_back(std::move(s).value());
    }
    if (static_cast<int64_t>(page.value().size()) < kPage) break;
    afterOrganization = page.value().back().organization;
    afterId = page.value().back().id;
  }
  if (unusable > 0) {
    // Written before the policy changed (an endpoint no longer listed): they stay silent.
    JsonLog::write(LogLevel::Warn, "subscriptions_unusable", {{"count", std::to_string(unusable)}});
  }
  return out;
}

std::string subscriptionRecipientJson(const SubscriptionRecipient& r) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("role");
  w.String(r.role.empty() ? "subscriber" : r.role);
  w.Key("member");
  w.String(r.member);
  w.Key("organization");
  w.String(r.organization);
  w.Key("display");
  w.String("Subscription/" + r.subscription);
  w.Key("address");
  w.String(r.endpoint);
  w.Key("subscription");
  w.String(r.subscription);
  w.Key("resources");
  w.StartArray();
  for (const std::string& path : r.paths) w.String(path);
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::optional<SubscriptionRecipient> readSubscriptionRecipient(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("subscription")) return std::nullopt;
  SubscriptionRecipient r;
  r.subscription = json::str(d, "subscription");
  r.organization = json::str(d, "organization");
  r.endpoint = json::str(d, "address");
  r.role = json::str(d, "role");
  r.member = json::str(d, "member");
  if (r.role == "subscriber") r.role.clear();
  json::each(d, "resources", [&](const rapidjson::Value& path) {
    if (path.IsString()) r.paths.emplace_back(path.GetString(), path.GetStringLength());
  });
  return r;
}

std::vector<CarriedResource> carriedResources(const std::vector<store::ResourceCopy>& identified) {
  std::vector<CarriedResource> out;
  for (std::size_t i = 0; i < identified.size(); ++i) {
    const store::ResourceCopy& r = identified[i];
    if (r.json.empty()) continue;  // a deletion carries no content
    out.push_back({std::to_string(i), r.type, r.id, r.json, r.update, r.search});
    if (r.type != "Bundle") continue;
    rapidjson::Document bundle;
    bundle.Parse(r.json.c_str(), r.json.size());
    if (bundle.HasParseError() || !bundle.IsObject()) continue;
    auto entries = bundle.FindMember("entry");
    if (entries == bundle.MemberEnd() || !entries->value.IsArray()) continue;
    for (rapidjson::SizeType position = 0; position < entries->value.Size(); ++position) {
      rapidjson::Value& entry = entries->value[position];
      if (!entry.IsObject()) continue;
      auto resource = entry.FindMember("resource");
      if (resource == entry.MemberEnd() || !resource->value.IsObject()) continue;
      rapidjson::Value& content = resource->value;
      CarriedResource c;
      c.path = std::to_string(i) + "/" + std::to_string(position);
      c.type = json::str(content, "resourceType");
      c.id = json::str(content, "id");
      if (c.id.empty()) {
        const std::string fullUrl = json::str(entry, "fullUrl");
        c.id = deterministicId(r.id, fullUrl.empty() ? std::to_string(position) : fullUrl);
        content.RemoveMember("id");
        content.AddMember("id", rapidjson::Value(c.id.c_str(), bundle.GetAllocator()),
                          bundle.GetAllocator());
      }
      c.search = searchValues(content);
      rapidjson::StringBuffer buffer;
      renkei::fhir::RunCopyingWriter w(buffer);
      content.Accept(w);
      c.json.assign(buffer.GetString(), buffer.GetSize());
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool followsNoCareTeam(const store::OutboxRow& row) {
  if (row.destination != kSubscriptionDestination) return false;
  const std::optional<SubscriptionRecipient> r = readSubscriptionRecipient(row.recipient);
  return r && r->member.empty();
}

namespace {

/// How an organization sees a message: the delivery it follows (held or not), best first.
struct Sight {
  int rank = 0;  ///< 3 sent it, 2 its destination, 1 a care-team member; higher wins
  std::string held, role, member;
};

void see(std::map<std::string, Sight>& sights, const std::string& organization, Sight sight) {
  if (!sight.held.empty()) sight.rank -= 10;  // an unheld way to see it wins over a held one
  auto [at, fresh] = sights.emplace(organization, sight);
  if (!fresh && at->second.rank < sight.rank) at->second = std::move(sight);
}

}  // namespace

std::vector<store::PlannedDelivery> subscriptionDeliveries(
    const std::vector<Subscription>& active, const SubscriptionPolicy& policy,
    const std::string& sender, const std::vector<store::PlannedDelivery>& deliveries,
    const std::vector<CarriedResource>& resources, const std::string& patientKey,
    int64_t nowMs) {
  std::vector<store::PlannedDelivery> out;
  if (active.empty()) return out;
  std::map<std::string, Sight> sights;
  see(sights, sender, {3, "", "", ""});
  for (const store::PlannedDelivery& d : deliveries) {
    for (const auto& [organization, destinations] : policy.destinations) {
      if (std::find(destinations.begin(), destinations.end(), d.destination) != destinations.end()) {
        see(sights, organization, {2, d.held, "", ""});
      }
    }
    if (d.recipient.empty() || d.destination == kSubscriptionDestination) continue;
    rapidjson::Document r;
    r.Parse(d.recipient.c_str(), d.recipient.size());
    if (r.HasParseError() || !r.IsObject()) continue;
    const std::string organization = json::str(r, "organization");
    if (!organization.empty()) {
      see(sights, organization, {1, d.held, json::str(r, "role"), json::str(r, "member")});
    }
  }
  for (const Subscription& s : active) {
    auto sight = sights.find(s.organization);
    if (sight == sights.end() || (s.endMs > 0 && s.endMs <= nowMs)) continue;
    SubscriptionRecipient recipient{s.id, s.organization, s.endpoint, sight->second.role,
                                    sight->second.member, {}};
    for (const CarriedResource& r : resources) {
      if (r.type != s.type) continue;
      // A server-assigned id is not known before the commit: `_id` finds client-named ones.
      if (meetsCriteria(r.clientNamed ? r.id : std::string_view{}, r.search, s.criteria)) {
        recipient.paths.push_back(r.path);
      }
    }
    if (recipient.paths.empty()) continue;
    store::PlannedDelivery d;
    d.destination = kSubscriptionDestination;
    d.orderingKey = patientKey.empty() ? "" : patientKey + "|" + s.organization + "/" + s.id;
    d.recipient = subscriptionRecipientJson(recipient);
    d.held = sight->second.held;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace renkei::pipeline

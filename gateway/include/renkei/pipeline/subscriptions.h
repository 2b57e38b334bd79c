// Subscription (rest-hook): a client's standing search — "tell my endpoint when a resource that
// meets Encounter?status=finished reaches my organization". Reading and checking a Subscription
// resource against the operator's policy (which endpoints each organization may name), the active
// subscriptions as a snapshot rebuilt when one is written, and the rest-hook deliveries a routed
// message makes: only to organizations that see the message anyway (they sent it, or it is
// delivered to them), so a subscription never widens what an organization may read.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/fhir/node.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// The destination of rest-hook deliveries (a reserved name: no configured sink may take it).
inline constexpr const char* kSubscriptionDestination = "subscriptions";

struct SubscriptionPolicy {
  /// Organization ("*": every organization) → URL prefixes its endpoints must start with. Renkei
  /// calls only what the operator listed: a client cannot make it reach an arbitrary host.
  std::map<std::string, std::vector<std::string>> endpoints;
  /// Organization → the destinations that deliver to it (the FHIR endpoint's `recipients`):
  /// what is routed there, the organization sees, and its subscriptions may be told of.
  std::map<std::string, std::vector<std::string>> destinations;

  bool enabled() const { return !endpoints.empty(); }
  /// Why `organization` may not name `url` as an endpoint; "" when it may.
  std::string refuseEndpoint(const std::string& organization, const std::string& url) const;
};

struct Subscription {
  std::string organization, id;
  std::string type;  ///< the criteria's resource type
  std::vector<store::SearchCriterion> criteria;
  std::string endpoint;
  std::string payload;               ///< "": an empty notification; else the MIME type to send
  std::vector<std::string> headers;  ///< "Name: value", sent with every notification
  bool active = false;               ///< status requested or active, and not past its end
  int64_t endMs = 0;                 ///< Subscription.end (0: none); after it, nothing is sent
};

/// A Subscription resource written by `organization`: what it asks for, or why Renkei cannot
/// serve it (a channel other than rest-hook, criteria it cannot decide for one resource, an
/// endpoint the policy does not list, a payload other than FHIR JSON, a header with a line break).
Result<Subscription> readSubscription(const fhir::Node& resource, const std::string& organization,
                                      const SubscriptionPolicy& policy, int64_t nowMs);

/// The active subscriptions, reloaded from the store when one was written — at once for this
/// process's writes, within `checkMs` for another instance's. Thread-safe.
class SubscriptionLookup {
 public:
  SubscriptionLookup(std::shared_ptr<store::Store> store, SubscriptionPolicy policy, int64_t checkMs);

  std::shared_ptr<const std::vector<Subscription>> current(int64_t nowMs);
  void noteWritten(std::string_view type);
  const SubscriptionPolicy& policy() const { return policy_; }

 private:
  Result<std::vector<Subscription>> load(int64_t nowMs);

  std::shared_ptr<store::Store> store_;
  SubscriptionPolicy policy_;
  int64_t checkMs_;
  std::mutex mutex_;
  std::shared_ptr<const std::vector<Subscription>> snapshot_;
  int64_t seenMessage_ = -1;
  int64_t checkedAtMs_ = 0;
  std::atomic<bool> dirty_{true};
};

/// A resource a message carries, as subscriptions see it: each resource identifyResources names,
/// and each entry's resource of a Bundle among them (a document, a message, a collection such as
/// a discharge notice) — a subscriber to finished Encounters is told of the one in a document.
struct CarriedResource {
  std::string path;  ///< "3": the 4th identified resource; "0/5": the 6th entry of the 1st
  std::string type, id, json;
  bool clientNamed = false;  ///< the sender named it (an update): `_id` criteria may find it
  std::vector<std::pair<std::string, std::string>> search;  ///< index values (searchValues)
};
/// The carried resources of identified ones. An entry's resource keeps its own id, else gets
/// one derived from its Bundle's id and its fullUrl (or position).
std::vector<CarriedResource> carriedResources(const std::vector<store::ResourceCopy>& identified);

/// What a rest-hook delivery carries in its `recipient`: the subscription, its organization, the
/// member it follows (when a care-team delivery made the organization see the message) and which
/// carried resources (CarriedResource::path) met the criteria.
struct SubscriptionRecipient {
  std::string subscription, organization, endpoint;
  std::string role, member;  ///< of the care-team delivery it follows; "" when none
  std::vector<std::string> paths;
};
std::string subscriptionRecipientJson(const SubscriptionRecipient& r);
/// Nullopt when `json` is not a rest-hook recipient.
std::optional<SubscriptionRecipient> readSubscriptionRecipient(const std::string& json);

/// A rest-hook delivery that follows no care-team member (its organization sent the message, or a
/// destination of its receives it): consent is not asked of it, as of what it follows.
bool followsNoCareTeam(const store::OutboxRow& row);

/// The rest-hook deliveries of a routed message from `sender`: one per active subscription whose
/// organization sees the message — it sent it, or one of `deliveries` goes to a destination that
/// delivers to it or to one of its care-team members — and some of whose `resources` meet its
/// criteria. A delivery consent holds back holds the subscription's copy with the same reason.
std::vector<store::PlannedDelivery> subscriptionDeliveries(
    const std::vector<Subscription>& active, const SubscriptionPolicy& policy,
    const std::string& sender, const std::vector<store::PlannedDelivery>& deliveries,
    const std::vector<CarriedResource>& resources, const std::string& patientKey,
    int64_t nowMs);

}  // namespace renkei::pipeline

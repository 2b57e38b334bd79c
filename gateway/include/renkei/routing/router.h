// Routing rules from config: each rule matches on source, resource types, profile, a FHIRPath
// condition, the patient's municipality and the event kind, and names its destinations: sinks,
// and the members of the patient's care team in the roles it lists (each through the channel
// the directory gives them). One message can match several rules; the decision records what
// matched and why, and every care-team member it could not reach.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "renkei/care/care_directory.h"
#include "renkei/care/notifications.h"
#include "renkei/core/status.h"
#include "renkei/fhir/definitions.h"
#include "renkei/routing/message_facts.h"

namespace renkei::routing {

/// The event names a route's `events` may list (see eventNames in message_facts.h).
inline constexpr const char* kEventNames = "admission, discharge, transfer, death, other";
bool isEventName(std::string_view name);

struct RouteRule {
  std::string name;
  std::vector<std::string> sources;         ///< empty: any source
  std::vector<std::string> resourceTypes;   ///< any of them present
  std::vector<std::string> profiles;        ///< any of them claimed
  std::vector<std::string> municipalities;  ///< codes, names or romaji
  std::vector<std::string> events;          ///< kEventNames
  std::string condition;                    ///< FHIRPath on the message root; must be true
  std::vector<std::string> destinations;
  /// Care-team roles (care_roles.h codes) whose members receive the message, one delivery each.
  std::vector<std::string> careTeamRoles;
  /// Sinks that receive it for a member the directory gives no channel (an operator's desk).
  std::vector<std::string> careTeamFallback;
  /// Set: the care-team deliveries are notifications under this policy (urgent at once with an
  /// acknowledgement, routine in the daily digest, one per fact and recipient).
  std::optional<care::NotifyPolicy> notify;
};

struct RoutedDelivery {
  std::string destination;
  std::string recipient;  ///< a care-team member (CareRecipient::recipientJson) or empty
  std::string held = {};  ///< why consent holds it back ("" : send)
  /// A notification (a care-team route with `notify`): the member, its policy and the urgency.
  struct Notice {
    const care::NotifyPolicy* policy = nullptr;
    care::CareRecipient member;
    care::Urgency urgency;
  };
  std::optional<Notice> notice = {};
  bool operator==(const RoutedDelivery& o) const {
    return destination == o.destination && recipient == o.recipient;
  }
};

struct RoutingDecision {
  std::vector<RoutedDelivery> deliveries;  ///< distinct, in rule order
  std::string record;                      ///< JSON: facts and each rule's verdict with reasons
};

class Router {
 public:
  /// Compiles every condition and resolves municipality names; all errors at once.
  static Result<std::shared_ptr<const Router>> compile(
      std::vector<RouteRule> rules, std::shared_ptr<const fhir::Definitions> definitions);
  ~Router();
  /// Whether any rule names care-team roles (routing then needs the care directory).
  bool usesCareTeams() const;

  /// Thread-safe. A condition that fails to evaluate makes its rule not match (and says why).
  /// `care` answers care-team rules; without it they reach no member (and say so).
  /// `today` (the local date, "" : now) decides which discharges are imminent.
  RoutingDecision decide(const std::string& source, const fhir::Node& root,
                         const MessageFacts& facts, const care::CareDirectory* care = nullptr,
                         const std::string& today = "") const;
  /// Whether any care-team rule makes notifications.
  bool notifies() const;
  /// The digest time of the first rule that notifies (17:00 when none does).
  int digestMinuteOfDay() const;

 private:
  struct Compiled;
  Router() = default;
  std::vector<std::unique_ptr<Compiled>> rules_;
  std::shared_ptr<const fhir::Definitions> definitions_;
};

}  // namespace renkei::routing

// Routing rules from config: each rule matches on source, resource types, profile, a FHIRPath
// condition, the patient's municipality and the event kind, and names its destinations. One
// message can match several rules; the decision records what matched and why.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/fhir/definitions.h"
#include "renkei/routing/message_facts.h"

namespace renkei::routing {

struct RouteRule {
  std::string name;
  std::vector<std::string> sources;         ///< empty: any source
  std::vector<std::string> resourceTypes;   ///< any of them present
  std::vector<std::string> profiles;        ///< any of them claimed
  std::vector<std::string> municipalities;  ///< codes, names or romaji
  std::vector<std::string> events;          ///< "admission", "discharge", "other"
  std::string condition;                    ///< FHIRPath on the message root; must be true
  std::vector<std::string> destinations;
};

struct RoutingDecision {
  std::vector<std::string> destinations;  ///< distinct, in rule order
  std::string record;                     ///< JSON: facts and each rule's verdict with reasons
};

class Router {
 public:
  /// Compiles every condition and resolves municipality names; all errors at once.
  static Result<std::shared_ptr<const Router>> compile(
      std::vector<RouteRule> rules, std::shared_ptr<const fhir::Definitions> definitions);
  ~Router();

  /// Thread-safe. A condition that fails to evaluate makes its rule not match (and says why).
  RoutingDecision decide(const std::string& source, const fhir::Node& root,
                         const MessageFacts& facts) const;

 private:
  struct Compiled;
  Router() = default;
  std::vector<std::unique_ptr<Compiled>> rules_;
  std::shared_ptr<const fhir::Definitions> definitions_;
};

}  // namespace renkei::routing

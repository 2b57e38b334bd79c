// Rule matching: criteria are checked in a fixed order and the first one that fails is the
// rule's reason for not matching; a match lists every criterion that held.
#include "renkei/routing/router.h"

#include <algorithm>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/time_text.h"
#include "renkei/fhirpath/evaluator.h"
#include "renkei/fhirpath/expression.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::routing {

bool isEventName(std::string_view name) {
  return name == "admission" || name == "discharge" || name == "transfer" || name == "death" ||
         name == "other";
}

struct Router::Compiled {
  RouteRule rule;
  std::vector<std::string> municipalityCodes;
  std::shared_ptr<const fhirpath::Expression> condition;
};

Router::~Router() = default;

Result<std::shared_ptr<const Router>> Router::compile(
    std::vector<RouteRule> rules, std::shared_ptr<const fhir::Definitions> definitions) {
  std::shared_ptr<Router> router(new Router());
  router->definitions_ = definitions;
  std::string errors;
  for (RouteRule& rule : rules) {
    auto c = std::make_unique<Compiled>();
    for (const std::string& m : rule.municipalities) {
      const Municipality* found = MunicipalityTable::tokyo().find(m);
      if (found == nullptr) {
        errors += "route '" + rule.name + "': unknown municipality '" + m + "'\n";
      } else {
        c->municipalityCodes.push_back(found->code);
      }
    }
    for (const std::string& e : rule.events) {
      if (!isEventName(e)) {
        errors += "route '" + rule.name + "': event must be one of " + std::string(kEventNames) +
                  ", not '" + e + "'\n";
      }
    }
    if (!rule.condition.empty()) {
      fhirpath::CompileOptions options;
      options.definitions = definitions;
      auto expr = fhirpath::Expression::compile(rule.condition, options);
      if (!expr.ok()) {
        errors += "route '" + rule.name + "': condition: " + expr.status().message() + "\n";
      } else {
        c->condition = std::make_shared<const fhirpath::Expression>(std::move(expr).value());
      }
    }
    c->rule = std::move(rule);
    router->rules_.push_back(std::move(c));
  }
  if (!errors.empty()) {
    errors.pop_back();
    return Status::invalidInput(errors);
  }
  return std::shared_ptr<const Router>(router);
}

namespace {

bool intersects(const std::vector<std::string>& wanted, const std::vector<std::string>& present) {
  for (const std::string& w : wanted) {
    if (std::find(present.begin(), present.end(), w) != present.end()) return true;
  }
  return false;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void addDelivery(RoutingDecision& decision, RoutedDelivery d) {
  if (std::find(decision.deliveries.begin(), decision.deliveries.end(), d) ==
      decision.deliveries.end()) {
    decision.deliveries.push_back(std::move(d));
  }
}

/// One delivery per member of the patient's care team in the rule's roles, through the member's
/// channel, or to the rule's fallback sinks when it has none; "careTeam" in the record says who.
void routeToCareTeam(const RouteRule& r, const MessageFacts& facts, const care::CareDirectory* care,
                     const std::string& today, RoutingDecision& decision,
                     renkei::fhir::RunCopyingWriter& w) {
  std::optional<care::Urgency> urgency;
  if (r.notify) {
    urgency = care::classify(facts, *r.notify, today);
    w.Key("notify");
    w.String(urgency->urgent ? "urgent: " + urgency->why : "routine: in the daily digest");
  }
  w.Key("careTeam");
  w.StartArray();
  std::vector<care::CareRecipient> members;
  if (care != nullptr) {
    // The care teams known, then those the message itself names (a discharge sheet's
    // かかりつけ医) that are not among them.
    members = care->recipients(facts.patientIdentifiers, r.careTeamRoles);
    for (care::CareRecipient& m : care->statedRecipients(facts.statedCareTeam, facts.patientIdentifiers,
                                                         facts.sender, r.careTeamRoles)) {
      const bool known = std::any_of(members.begin(), members.end(), [&](const care::CareRecipient& k) {
        return k.role == m.role && k.organization == m.organization && k.member == m.member &&
               (!m.member.empty() || k.display == m.display);
      });
      if (!known) members.push_back(std::move(m));
    }
  }
  const std::string ward = facts.municipality != nullptr ? facts.municipality->code : "";
  for (const care::CareRecipient& m : members) {
    const std::string recipient = m.recipientJson();
    const std::string held = care->holdReason(facts.patientIdentifiers, ward, m);
    std::optional<RoutedDelivery::Notice> notice;
    if (urgency) notice = RoutedDelivery::Notice{&*r.notify, m, *urgency};
    if (!m.channel.empty()) {
      addDelivery(decision, {m.channel, recipient, held, notice});
    } else {
      for (const std::string& d : r.careTeamFallback) {
        addDelivery(decision, {d, recipient, held, notice});
      }
    }
    w.StartObject();
    w.Key("role");
    w.String(m.role);
    w.Key("member");
    w.String(m.organization + ":" + m.member);
    w.Key("assertedBy");
    w.String(m.assertedBy);
    if (!m.channel.empty()) {
      w.Key("channel");
      w.String(m.channel);
    } else {
      w.Key("unreachable");
      w.String(m.problem);
      w.Key("fallback");
      w.String(joined(r.careTeamFallback));
    }
    if (!held.empty()) {
      w.Key("held");
      w.String(held);
    }
    w.EndObject();
  }
  if (members.empty()) {
    w.StartObject();
    w.Key("unreachable");
    w.String(care == nullptr ? "no care directory"
             : facts.patientIdentifiers.empty()
                 ? "the message names no patient identifier"
                 : "no care-team member in [" + joined(r.careTeamRoles) + "] is known");
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

bool Router::notifies() const {
  for (const auto& c : rules_) {
    if (!c->rule.careTeamRoles.empty() && c->rule.notify) return true;
  }
  return false;
}

int Router::digestMinuteOfDay() const {
  for (const auto& c : rules_) {
    if (!c->rule.careTeamRoles.empty() && c->rule.notify) return c->rule.notify->digestMinuteOfDay;
  }
  return care::NotifyPolicy{}.digestMinuteOfDay;
}

bool Router::usesCareTeams() const {
  for (const auto& c : rules_) {
    if (!c->rule.careTeamRoles.empty()) return true;
  }
  return false;
}

RoutingDecision Router::decide(const std::string& source, const fhir::Node& root,
                               const MessageFacts& facts, const care::CareDirectory* care,
                               const std::string& today) const {
  thread_local fhirpath::Evaluator evaluator;
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  RoutingDecision decision;
  std::vector<std::string> events;
  for (std::string_view e : eventNames(facts)) events.emplace_back(e);
  w.StartObject();
  w.Key("facts");
  w.StartObject();
  w.Key("resourceTypes");
  w.String(joined(facts.resourceTypes));
  w.Key("event");
  w.String(std::string(eventKindName(facts.event)));
  w.Key("municipality");
  w.String(facts.municipality ? facts.municipality->code : "");
  if (facts.transfer) {
    w.Key("transfer");
    w.Bool(true);
  }
  if (facts.death) {
    w.Key("death");
    w.Bool(true);
  }
  w.EndObject();
  w.Key("rules");
  w.StartArray();
  for (const auto& c : rules_) {
    const RouteRule& r = c->rule;
    std::vector<std::string> held;
    std::string failed;
    auto check = [&](bool applies, bool ok, std::string why) {
      if (!applies || !failed.empty()) return;
      if (ok) {
        held.push_back(std::move(why));
      } else {
        failed = "no: " + why;
      }
    };
    check(!r.sources.empty(),
          std::find(r.sources.begin(), r.sources.end(), source) != r.sources.end(),
          "source " + source + " in [" + joined(r.sources) + "]");
    check(!r.resourceTypes.empty(), intersects(r.resourceTypes, facts.resourceTypes),
          "resource type in [" + joined(r.resourceTypes) + "]");
    check(!r.profiles.empty(), intersects(r.profiles, facts.profiles),
          "profile in [" + joined(r.profiles) + "]");
    check(!c->municipalityCodes.empty(),
          facts.municipality != nullptr &&
              std::find(c->municipalityCodes.begin(), c->municipalityCodes.end(),
                        facts.municipality->code) != c->municipalityCodes.end(),
          "patient municipality " + std::string(facts.municipality ? facts.municipality->code
                                                                   : "unknown") +
              " in [" + joined(c->municipalityCodes) + "]");
    check(!r.events.empty(), intersects(r.events, events), "event " + joined(events) + " in [" +
                                                               joined(r.events) + "]");
    if (c->condition && failed.empty()) {
      auto result = evaluator.evaluate(*c->condition, root);
      if (!result.ok()) {
        failed = "no: condition could not be evaluated: " + result.status().message();
      } else {
        const auto verdict = fhirpath::asBoolean(*result);
        const bool yes = verdict.ok() && verdict.value().has_value() && *verdict.value();
        check(true, yes, "condition " + r.condition);
      }
    }
    w.StartObject();
    w.Key("route");
    w.String(r.name);
    w.Key("matched");
    w.Bool(failed.empty());
    w.Key("reasons");
    w.StartArray();
    if (failed.empty()) {
      if (held.empty()) w.String("matches every message");
      for (const std::string& h : held) w.String(h);
    } else {
      w.String(failed);
    }
    w.EndArray();
    if (failed.empty()) {
      for (const std::string& d : r.destinations) addDelivery(decision, {d, ""});
      if (!r.careTeamRoles.empty()) {
        routeToCareTeam(r, facts, care, today.empty() ? localDate() : today, decision, w);
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  decision.record = buffer.GetString();
  return decision;
}

}  // namespace renkei::routing

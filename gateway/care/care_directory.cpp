// CareDirectory: care teams joined with the directory into recipients with channels (see
// care_directory.h).
#include "renkei/care/care_directory.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "renkei/care/care_roles.h"
#include "renkei/core/json_fields.h"
#include "renkei/core/time_text.h"
#include "renkei/matching/match_keys.h"
#include "renkei/routing/municipalities.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::care {
namespace {

using rapidjson::Value;
using json::each;
using json::member;
using json::str;

std::string identifierKey(const Value& identifier) {
  const std::string value = str(identifier, "value");
  return value.empty() ? "" : str(identifier, "system") + "|" + value;
}

/// "Type/id" of a literal reference, relative or absolute (a version suffix is dropped).
std::string typeAndId(std::string reference) {
  const std::size_t history = reference.find("/_history/");
  if (history != std::string::npos) reference.resize(history);
  const std::size_t last = reference.rfind('/');
  if (last == std::string::npos || last == 0) return "";
  const std::size_t type = reference.rfind('/', last - 1);
  return reference.substr(type == std::string::npos ? 0 : type + 1);
}

std::string humanName(const Value& resource) {
  std::string out;
  each(resource, "name", [&](const Value& name) {
    if (!out.empty()) return;
    out = str(name, "text");
    if (!out.empty()) return;
    out = str(name, "family");
    each(name, "given", [&](const Value& g) {
      if (g.IsString()) out += (out.empty() ? "" : " ") + std::string(g.GetString());
    });
  });
  return out;
}

}  // namespace

std::string today() { return localDate(); }

namespace {

const CareRole* participantRole(const Value& participant) {
  const CareRole* found = nullptr;
  each(participant, "role", [&](const Value& codeable) {
    each(codeable, "coding", [&](const Value& coding) {
      if (found != nullptr) return;
      if (str(coding, "system") == kCareRoleSystem) found = careRoleByCode(str(coding, "code"));
      if (found == nullptr) found = careRoleFromText(str(coding, "display"));
    });
    if (found == nullptr) found = careRoleFromText(str(codeable, "text"));
  });
  return found;
}

}  // namespace

/// The directory's resources parsed and indexed by "organization\nType/id", by "Type/id", by
/// identifier and by an Organization's phone and fax numbers.
class DirectoryIndex {
 public:
  void add(const store::StoredResource& r) {
    auto doc = std::make_unique<rapidjson::Document>();
    doc->Parse(r.content.c_str(), r.content.size());
    if (doc->HasParseError() || !doc->IsObject()) return;
    const std::string key = r.organization + '\n' + r.type + '/' + r.id;
    each(*doc, "identifier", [&](const Value& id) {
      const std::string k = identifierKey(id);
      if (!k.empty()) byIdentifier_.emplace(k, key);
    });
    if (r.type == "PractitionerRole") {
      if (const Value* p = member(*doc, "practitioner")) {
        const std::string target = typeAndId(str(*p, "reference"));
        if (!target.empty()) rolesOf_.emplace(r.organization + '\n' + target, key);
      }
    }
    if (r.type == "Organization") {
      each(*doc, "telecom", [&](const Value& t) {
        const std::string system = str(t, "system");
        const std::string number = matching::digitsKey(str(t, "value"));
        if ((system == "phone" || system == "fax") && number.size() >= 9) byPhone_.emplace(number, key);
      });
    }
    byLiteral_.emplace(r.type + '/' + r.id, key);
    organizationOf_[key] = r.organization;
    docs_.emplace(key, std::move(doc));
  }

  /// The key of the entry with one of these identifiers ("system|value"), else one of these
  /// phone or fax numbers (digits); "" when none.
  std::string lookUp(const std::vector<std::string>& identifiers,
                     const std::vector<std::string>& phones) const {
    for (const std::string& id : identifiers) {
      auto it = byIdentifier_.find(id);
      if (it != byIdentifier_.end()) return it->second;
    }
    for (const std::string& phone : phones) {
      auto it = byPhone_.find(phone);
      if (it != byPhone_.end()) return it->second;
    }
    return "";
  }

  const Value* find(const std::string& key) const {
    auto it = docs_.find(key);
    return it == docs_.end() ? nullptr : it->second.get();
  }

  /// The key a Reference (in `organization`'s id space) points to, or "".
  std::string resolve(const Value& reference, const std::string& organization) const {
    const std::string literal = typeAndId(str(reference, "reference"));
    if (!literal.empty()) {
      const std::string key = organization + '\n' + literal;
      if (docs_.count(key) != 0) return key;
      // Another organization's directory entry: the directory's ids are one for everyone.
      auto [from, to] = byLiteral_.equal_range(literal);
      return from != to && std::next(from) == to ? from->second : "";
    }
    if (const Value* id = member(reference, "identifier")) {
      auto it = byIdentifier_.find(identifierKey(*id));
      if (it != byIdentifier_.end()) return it->second;
    }
    return "";
  }

  std::vector<std::string> rolesOfPractitioner(const std::string& key) const {
    std::vector<std::string> out;
    auto [from, to] = rolesOf_.equal_range(key);
    for (auto it = from; it != to; ++it) out.push_back(it->second);
    return out;
  }

  const std::string& organizationOf(const std::string& key) const {
    static const std::string none;
    auto it = organizationOf_.find(key);
    return it == organizationOf_.end() ? none : it->second;
  }

 private:
  std::unordered_map<std::string, std::unique_ptr<rapidjson::Document>> docs_;
  std::unordered_map<std::string, std::string> organizationOf_;
  std::unordered_multimap<std::string, std::string> byIdentifier_;
  std::unordered_multimap<std::string, std::string> byPhone_;
  std::unordered_multimap<std::string, std::string> byLiteral_;
  std::unordered_multimap<std::string, std::string> rolesOf_;
};

namespace {

std::string typeOf(const std::string& key) {
  const std::size_t nl = key.find('\n');
  const std::string rest = key.substr(nl + 1);
  return rest.substr(0, rest.find('/'));
}

std::string referenceOf(const std::string& key) { return key.substr(key.find('\n') + 1); }

/// The 団体コード of an Organization's first Tokyo address, or "".
std::string organizationMunicipality(const Value& organization) {
  std::string code;
  each(organization, "address", [&](const Value& a) {
    if (!code.empty()) return;
    if (const routing::Municipality* m = routing::MunicipalityTable::tokyo().fromAddress(
            str(a, "city"), str(a, "text"))) {
      code = m->code;
    }
  });
  return code;
}

struct Channel {
  std::string sink, address, problem;
};

/// The channel of the Endpoints `resource` lists: the first active one naming a sink.
Channel endpointChannel(const DirectoryIndex& index, const Value& resource,
                        const std::string& organization, const std::set<std::string>& channels) {
  Channel out;
  each(resource, "endpoint", [&](const Value& ref) {
    if (!out.sink.empty()) return;
    const std::string key = index.resolve(ref, organization);
    const Value* endpoint = key.empty() ? nullptr : index.find(key);
    if (endpoint == nullptr) {
      if (out.problem.empty()) out.problem = "its Endpoint is not in the directory";
      return;
    }
    const std::string status = str(*endpoint, "status");
    if (!status.empty() && status != "active") {
      if (out.problem.empty()) out.problem = referenceOf(key) + " is " + status;
      return;
    }
    std::string sink;
    each(*endpoint, "identifier", [&](const Value& id) {
      if (sink.empty() && str(id, "system") == kChannelSystem) sink = str(id, "value");
    });
    if (sink.empty()) {
      if (out.problem.empty()) out.problem = referenceOf(key) + " names no channel";
    } else if (channels.count(sink) == 0) {
      if (out.problem.empty()) out.problem = "channel '" + sink + "' is not a configured sink";
    } else {
      out = {sink, str(*endpoint, "address"), ""};
    }
  });
  return out;
}

/// Fills the recipient's display and channel from the member resource at `key`.
void describe(const DirectoryIndex& index, const std::string& key,
              const std::set<std::string>& channels, CareRecipient& r) {
  const Value* resource = index.find(key);
  const std::string& organization = index.organizationOf(key);
  const std::string type = typeOf(key);
  Channel channel;
  r.actorKeys.push_back(key);
  if (type == "PractitionerRole") {
    std::string person, org;
    if (const Value* p = member(*resource, "practitioner")) {
      const std::string pk = index.resolve(*p, organization);
      person = pk.empty() ? str(*p, "display") : humanName(*index.find(pk));
      if (!pk.empty()) r.actorKeys.push_back(pk);
    }
    Channel orgChannel;
    if (const Value* o = member(*resource, "organization")) {
      const std::string ok = index.resolve(*o, organization);
      org = ok.empty() ? str(*o, "display") : str(*index.find(ok), "name");
      if (!ok.empty()) {
        orgChannel = endpointChannel(index, *index.find(ok), organization, channels);
        r.municipality = organizationMunicipality(*index.find(ok));
        r.actorKeys.push_back(ok);
      }
    }
    r.display = person.empty() ? org : org.empty() ? person : person + " (" + org + ")";
    channel = endpointChannel(index, *resource, organization, channels);
    if (channel.sink.empty() && !orgChannel.sink.empty()) channel = orgChannel;
    if (channel.sink.empty() && channel.problem.empty()) channel.problem = orgChannel.problem;
  } else if (type == "Organization") {
    r.display = str(*resource, "name");
    r.municipality = organizationMunicipality(*resource);
    channel = endpointChannel(index, *resource, organization, channels);
  } else if (type == "Practitioner") {
    r.display = humanName(*resource);
    for (const std::string& role : index.rolesOfPractitioner(key)) {
      CareRecipient viaRole;
      describe(index, role, channels, viaRole);
      if (!viaRole.channel.empty()) {
        channel = {viaRole.channel, viaRole.address, ""};
        r.municipality = viaRole.municipality;
        for (std::string& k : viaRole.actorKeys) r.actorKeys.push_back(std::move(k));
        break;
      }
      if (channel.problem.empty()) channel.problem = viaRole.problem;
    }
  } else {
    channel.problem = "a " + type + " cannot receive";
  }
  r.channel = channel.sink;
  r.address = channel.address;
  r.problem = channel.sink.empty()
                  ? (channel.problem.empty() ? "no Endpoint with a channel" : channel.problem)
                  : "";
}

/// The identifiers ("system|value") of the patient a Reference names: its identifier, and
/// those of the Patient it refers to in `organization`'s id space.
std::vector<std::string> patientOf(const Value& reference, const std::string& organization,
                                   const DirectoryResources& resources) {
  std::vector<std::string> out;
  if (const Value* id = member(reference, "identifier")) {
    const std::string k = identifierKey(*id);
    if (!k.empty()) out.push_back(k);
  }
  const std::string literal = typeAndId(str(reference, "reference"));
  if (literal.rfind("Patient/", 0) == 0 && resources.patientIdentifiers) {
    for (std::string& k : resources.patientIdentifiers(organization, literal.substr(8))) {
      out.push_back(std::move(k));
    }
  }
  return out;
}

/// A Consent's rules with the actors resolved to directory keys; nullopt when it is not active.
std::optional<ParsedConsent> parseConsent(const store::StoredResource& stored, const Value& doc,
                                          const DirectoryIndex& index) {
  if (str(doc, "status") != "active") return std::nullopt;
  ParsedConsent c;
  c.reference = stored.organization + ":Consent/" + stored.id;
  c.dateTime = str(doc, "dateTime");
  if (c.dateTime.empty()) c.dateTime = utcInstant(stored.updatedMs);
  const Value* provision = member(doc, "provision");
  auto actorsOf = [&](const Value& p) {
    std::vector<std::string> keys;
    each(p, "actor", [&](const Value& actor) {
      if (const Value* ref = member(actor, "reference")) {
        const std::string key = index.resolve(*ref, stored.organization);
        if (!key.empty()) keys.push_back(key);
      }
    });
    return keys;
  };
  if (provision == nullptr) return c;
  const bool permit = str(*provision, "type") != "deny";
  if (const Value* period = member(*provision, "period")) {
    c.start = str(*period, "start");
    c.end = str(*period, "end");
  }
  std::vector<std::string> baseActors = actorsOf(*provision);
  if (!baseActors.empty() || member(*provision, "actor") != nullptr) {
    // A root rule for named actors: the others get the opposite.
    c.rules.push_back({permit, std::move(baseActors), "", ""});
    c.basePermit = !permit;
  } else {
    c.basePermit = permit;
  }
  each(*provision, "provision", [&](const Value& nested) {
    ParsedConsent::ActorRule rule;
    rule.permit = str(nested, "type") != "deny";
    rule.actors = actorsOf(nested);
    if (const Value* period = member(nested, "period")) {
      rule.start = str(*period, "start");
      rule.end = str(*period, "end");
    }
    if (!rule.actors.empty()) c.rules.push_back(std::move(rule));
  });
  return c;
}

}  // namespace

std::string recipientLabel(const std::string& recipientJson, bool withOrganization) {
  rapidjson::Document d;
  d.Parse(recipientJson.c_str(), recipientJson.size());
  if (d.HasParseError() || !d.IsObject()) return "";
  const std::string who = json::str(d, "display").empty() ? json::str(d, "member") : json::str(d, "display");
  std::string label = json::str(d, "role") + ": " + who;
  if (withOrganization) label += " (" + json::str(d, "organization") + ")";
  return label;
}

std::string recipientFolderName(const std::string& recipientJson) {
  rapidjson::Document d;
  d.Parse(recipientJson.c_str(), recipientJson.size());
  std::string name = json::str(d, "organization") + "_" + json::str(d, "member");
  for (char& c : name) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '-';
    if (!plain) c = '-';
  }
  if (name.find_first_not_of("._-") == std::string::npos) name = "unnamed-recipient";
  if (name[0] == '.') name[0] = '_';
  return name;
}

std::string CareRecipient::recipientJson() const {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("role");
  w.String(role);
  w.Key("member");
  w.String(member);
  w.Key("organization");
  w.String(organization);
  w.Key("display");
  w.String(display);
  w.Key("address");
  w.String(address);
  w.EndObject();
  return buffer.GetString();
}

std::shared_ptr<const CareDirectory> CareDirectory::build(const DirectoryResources& resources,
                                                          const std::set<std::string>& channels,
                                                          ConsentPolicy policy,
                                                          const TrustPolicy& trust) {
  auto directory = std::make_shared<CareDirectory>();
  directory->policy_ = std::move(policy);
  auto shared = std::make_shared<DirectoryIndex>();
  DirectoryIndex& index = *shared;
  for (const auto* list : {&resources.practitionerRoles, &resources.practitioners,
                           &resources.organizations, &resources.endpoints}) {
    for (const store::StoredResource& r : *list) index.add(r);
  }
  const std::string now = today();
  for (const store::StoredResource& stored : resources.consents) {
    rapidjson::Document doc;
    doc.Parse(stored.content.c_str(), stored.content.size());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    const Value* patientRef = member(doc, "patient");
    if (patientRef == nullptr) continue;
    std::optional<ParsedConsent> consent = parseConsent(stored, doc, index);
    if (!consent) continue;
    const std::size_t at = directory->consents_.size();
    directory->consents_.push_back(std::move(*consent));
    for (const std::string& k : patientOf(*patientRef, stored.organization, resources)) {
      directory->consentsByPatientIdentifier_.emplace(k, at);
    }
  }
  // Every membership as stated, then what the trust policy lets count.
  struct Statement {
    CareRecipient recipient;
    std::vector<std::string> patient;
    bool ended = false;
    bool byAssertor = false;
  };
  std::vector<Statement> statements;
  for (const store::StoredResource& team : resources.careTeams) {
    rapidjson::Document doc;
    doc.Parse(team.content.c_str(), team.content.size());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    const std::string status = str(doc, "status");
    if (status == "inactive" || status == "entered-in-error") continue;
    ++directory->careTeams_;
    const Value* subject = member(doc, "subject");
    const std::vector<std::string> patient =
        subject != nullptr ? patientOf(*subject, team.organization, resources)
                           : std::vector<std::string>{};
    if (patient.empty()) {
      ++directory->unresolvedSubjects_;
      continue;
    }
    each(doc, "participant", [&](const Value& participant) {
      const CareRole* role = participantRole(participant);
      const Value* who = member(participant, "member");
      if (role == nullptr || who == nullptr) return;
      Statement st;
      st.patient = patient;
      st.byAssertor = trust.open || trust.assertors.count(team.organization) != 0;
      // An ended membership routes nothing, but its member stays known: a delivery still queued
      // for it is judged by consent with its ward and the names a Consent may use.
      if (const Value* period = member(participant, "period")) {
        const std::string end = str(*period, "end");
        st.ended = !end.empty() && end.substr(0, 10) < now;
      }
      CareRecipient& r = st.recipient;
      r.role = std::string(role->code);
      r.assertedBy = team.organization + ":CareTeam/" + team.id;
      r.assertedMs = team.updatedMs;
      const std::string key = index.resolve(*who, team.organization);
      if (key.empty()) {
        r.member = typeAndId(str(*who, "reference"));
        r.organization = team.organization;
        r.display = str(*who, "display");
        r.problem = "the member is not in the directory";
      } else {
        r.member = referenceOf(key);
        r.organization = index.organizationOf(key);
        describe(index, key, channels, r);
      }
      statements.push_back(std::move(st));
    });
  }
  std::set<std::pair<std::string, std::string>> confirmed;  // (patient identifier, organization)
  for (const Statement& st : statements) {
    if (!st.byAssertor || st.ended) continue;
    for (const std::string& k : st.patient) confirmed.insert({k, st.recipient.organization});
  }
  directory->index_ = shared;
  directory->channels_ = channels;
  directory->trust_ = trust;
  directory->confirmed_ = confirmed;
  for (Statement& st : statements) {
    const std::string writer = st.recipient.assertedBy.substr(0, st.recipient.assertedBy.find(':'));
    const bool counts = directory->statementCounts(writer, st.recipient.organization, st.patient);
    const std::size_t at = directory->members_.size();
    if (!st.recipient.member.empty()) {
      directory->byMember_.emplace(st.recipient.organization + '\n' + st.recipient.member, at);
    }
    if (!counts) directory->untrusted_.push_back(st.recipient.assertedBy);
    directory->members_.push_back(std::move(st.recipient));
    if (st.ended || !counts) continue;
    for (const std::string& k : st.patient) directory->byPatientIdentifier_.emplace(k, at);
  }
  return directory;
}

bool CareDirectory::statementCounts(const std::string& writer, const std::string& memberOrganization,
                                    const std::vector<std::string>& patientIdentifiers) const {
  if (trust_.open || trust_.assertors.count(writer) != 0) return true;
  if (memberOrganization != writer) return false;
  if (trust_.selfAssertion == TrustPolicy::SelfAssertion::Allow) return true;
  if (trust_.selfAssertion == TrustPolicy::SelfAssertion::Ignore) return false;
  for (const std::string& k : patientIdentifiers) {
    if (confirmed_.count({k, writer}) != 0) return true;
  }
  return false;
}

std::string CareDirectory::directoryEntry(const StatedMember& m) const {
  const std::string key = index_ ? index_->lookUp(m.identifiers, m.phones) : "";
  return key.empty() ? "" : referenceOf(key);
}

std::vector<CareRecipient> CareDirectory::statedRecipients(
    const std::vector<StatedMember>& stated, const std::vector<std::string>& patientIdentifiers,
    const std::string& sender, const std::vector<std::string>& roles) const {
  std::vector<CareRecipient> out;
  for (const StatedMember& m : stated) {
    if (!roles.empty() && std::find(roles.begin(), roles.end(), m.role) == roles.end()) continue;
    CareRecipient r;
    r.role = m.role;
    r.assertedBy = sender + ":message";
    const std::string key = index_ ? index_->lookUp(m.identifiers, m.phones) : "";
    if (key.empty()) {
      r.organization = sender;
      r.display = m.display();
      r.problem = "the member is not in the directory";
    } else {
      r.member = referenceOf(key);
      r.organization = index_->organizationOf(key);
      describe(*index_, key, channels_, r);
    }
    if (statementCounts(sender, r.organization, patientIdentifiers)) out.push_back(std::move(r));
  }
  return out;
}

ConsentDecision CareDirectory::consentFor(const std::vector<std::string>& patientIdentifiers,
                                          const CareRecipient& recipient,
                                          std::string today) const {
  if (today.empty()) today = care::today();
  std::vector<const ParsedConsent*> consents;
  for (const std::string& id : patientIdentifiers) {
    auto [from, to] = consentsByPatientIdentifier_.equal_range(id);
    for (auto it = from; it != to; ++it) {
      const ParsedConsent* c = &consents_[it->second];
      if (std::find(consents.begin(), consents.end(), c) == consents.end()) consents.push_back(c);
    }
  }
  return evaluateConsents(consents, recipient.actorKeys, today);
}

CareRecipient CareDirectory::recipientFromJson(const std::string& json) const {
  CareRecipient r;
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return r;
  r.role = str(d, "role");
  r.member = str(d, "member");
  r.organization = str(d, "organization");
  r.display = str(d, "display");
  r.address = str(d, "address");
  auto it = byMember_.find(r.organization + '\n' + r.member);
  if (it != byMember_.end()) {
    r.municipality = members_[it->second].municipality;
    r.actorKeys = members_[it->second].actorKeys;
  }
  return r;
}

std::string CareDirectory::holdReason(const std::vector<std::string>& patientIdentifiers,
                                      const std::string& patientWard,
                                      const CareRecipient& recipient) const {
  const ConsentDecision d = consentFor(patientIdentifiers, recipient);
  if (d.verdict == ConsentVerdict::Permit) return "";
  if (d.verdict == ConsentVerdict::Deny) return d.reason;
  if (!policy_.requiresConsent(patientWard, recipient.municipality)) return "";
  return "no Consent permits sending outside the patient's municipality (" +
         (patientWard.empty() ? std::string("unknown") : patientWard) + " → " +
         (recipient.municipality.empty() ? std::string("unknown") : recipient.municipality) + ")";
}

std::vector<CareRecipient> CareDirectory::recipients(const std::vector<std::string>& patientIdentifiers,
                                                     const std::vector<std::string>& roles) const {
  std::map<std::string, std::size_t> chosen;  // (role, organization, member) → newest assertion
  for (const std::string& id : patientIdentifiers) {
    auto [from, to] = byPatientIdentifier_.equal_range(id);
    for (auto it = from; it != to; ++it) {
      const CareRecipient& r = members_[it->second];
      if (!roles.empty() && std::find(roles.begin(), roles.end(), r.role) == roles.end()) continue;
      const std::string key = r.role + '\n' + r.organization + '\n' + r.member;
      auto [at, fresh] = chosen.emplace(key, it->second);
      if (!fresh && members_[at->second].assertedMs < r.assertedMs) at->second = it->second;
    }
  }
  std::vector<CareRecipient> out;
  for (const auto& [key, index] : chosen) out.push_back(members_[index]);
  auto rank = [&](const std::string& role) {
    const auto& order = roles;
    auto it = std::find(order.begin(), order.end(), role);
    if (it != order.end()) return static_cast<std::size_t>(it - order.begin());
    const auto& all = careRoles();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].code == role) return order.size() + i;
    }
    return order.size() + all.size();
  };
  std::stable_sort(out.begin(), out.end(), [&](const CareRecipient& a, const CareRecipient& b) {
    return rank(a.role) < rank(b.role);
  });
  return out;
}

}  // namespace renkei::care

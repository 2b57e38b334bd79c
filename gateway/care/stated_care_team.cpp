// The care-team members a message states, and the CareTeam that keeps a sender's statement (see
// stated_care_team.h).
#include "renkei/care/stated_care_team.h"

#include <algorithm>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/care/care_roles.h"
#include "renkei/core/digest.h"
#include "renkei/fhir/each_resource.h"
#include "renkei/matching/match_keys.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::care {
namespace {

using fhir::Node;

/// JP-CLINS document sections (910: 紹介先情報, the referral's addressee).
constexpr std::string_view kDocumentSectionSystem =
    "http://jpfhir.jp/fhir/clins/CodeSystem/document-section";

/// 介護事業所番号: the author of a care plan with one is the patient's care-manager office.
constexpr std::string_view kCareProviderNumberSystem =
    "https://fhir.renkei.jp/NamingSystem/care-provider-number";

/// The message's resources by fullUrl and by "Type/id".
class Entries {
 public:
  explicit Entries(const Node& root) {
    if (root.resourceType != "Bundle") return;
    for (const Node& entry : root.children()) {
      if (entry.name != "entry") continue;
      const Node* resource = entry.child("resource");
      if (resource == nullptr) continue;
      const std::string_view fullUrl = entry.childValue("fullUrl");
      if (!fullUrl.empty()) byRef_.emplace(std::string(fullUrl), resource);
      const std::string_view id = resource->childValue("id");
      if (!id.empty()) {
        byRef_.emplace(std::string(resource->resourceType) + "/" + std::string(id), resource);
      }
    }
  }
  /// The resource a Reference element points to inside the message, or nullptr.
  const Node* resolve(const Node* reference) const {
    if (reference == nullptr) return nullptr;
    std::string ref(reference->childValue("reference"));
    if (ref.empty()) return nullptr;
    auto it = byRef_.find(ref);
    if (it == byRef_.end()) {
      // An absolute reference: its "Type/id" tail.
      const std::size_t last = ref.rfind('/');
      if (last == std::string::npos || last == 0) return nullptr;
      const std::size_t typeStart = ref.rfind('/', last - 1);
      it = byRef_.find(typeStart == std::string::npos ? ref : ref.substr(typeStart + 1));
    }
    return it == byRef_.end() ? nullptr : it->second;
  }

 private:
  std::map<std::string, const Node*> byRef_;
};

void addIdentifiers(const Node& resource, std::vector<std::string>& out) {
  for (const Node& id : resource.children()) {
    if (id.name != "identifier") continue;
    const std::string_view value = id.childValue("value");
    if (!value.empty()) out.push_back(std::string(id.childValue("system")) + "|" + std::string(value));
  }
}

std::string humanName(const Node& resource) {
  const Node* name = resource.child("name");
  if (name == nullptr) return "";
  if (!name->value.empty()) return std::string(name->value);  // Organization.name
  if (const std::string_view text = name->childValue("text"); !text.empty()) return std::string(text);
  std::string out(name->childValue("family"));
  for (const Node& g : name->children()) {
    if (g.name == "given") out += (out.empty() ? "" : " ") + std::string(g.value);
  }
  return out;
}

void describeOrganization(const Node& organization, StatedMember& m) {
  addIdentifiers(organization, m.identifiers);
  for (const Node& t : organization.children()) {
    if (t.name != "telecom") continue;
    const std::string_view system = t.childValue("system");
    const std::string number = matching::digitsKey(t.childValue("value"));
    if ((system == "phone" || system == "fax") && number.size() >= 9) m.phones.push_back(number);
  }
  m.organizationName = humanName(organization);
}

void describePerson(const Node& person, StatedMember& m) {
  addIdentifiers(person, m.identifiers);
  m.personName = humanName(person);
}

/// The care role a PractitionerRole's code names, or nullptr.
const CareRole* roleOf(const Node& practitionerRole) {
  for (const Node& code : practitionerRole.children()) {
    if (code.name != "code") continue;
    for (const Node& coding : code.children()) {
      if (coding.name != "coding") continue;
      if (coding.childValue("system") == kCareRoleSystem) {
        if (const CareRole* r = careRoleByCode(coding.childValue("code"))) return r;
      }
      if (const CareRole* r = careRoleFromText(coding.childValue("display"))) return r;
    }
    if (const CareRole* r = careRoleFromText(code.childValue("text"))) return r;
  }
  return nullptr;
}

class Collector {
 public:
  explicit Collector(const Node& root) : entries_(root) {}

  /// A member a reference names (PractitionerRole, Practitioner or Organization), in `role`
  /// unless a PractitionerRole's own code names another; `organization` for a bare person.
  /// With `requiredSystem`, only a member with an identifier of that system counts.
  void add(const Node* reference, const CareRole* role, const Node* organization = nullptr,
           std::string_view requiredSystem = {}) {
    if (reference == nullptr) return;
    StatedMember m;
    const Node* target = entries_.resolve(reference);
    if (target != nullptr && target->resourceType == "PractitionerRole") {
      if (const CareRole* own = roleOf(*target)) role = own;
      describeRole(*target, m);
    } else if (target != nullptr && target->resourceType == "Organization") {
      describeOrganization(*target, m);
    } else if (target != nullptr && target->resourceType == "Practitioner") {
      if (organization != nullptr) describeOrganization(*organization, m);
      describePerson(*target, m);
    } else if (target == nullptr) {
      // A logical reference: its identifier and display are all the message says.
      if (const Node* id = reference->child("identifier")) {
        const std::string_view value = id->childValue("value");
        if (!value.empty()) {
          m.identifiers.push_back(std::string(id->childValue("system")) + "|" + std::string(value));
        }
      }
      m.organizationName = std::string(reference->childValue("display"));
    } else {
      return;
    }
    if (!requiredSystem.empty() &&
        std::none_of(m.identifiers.begin(), m.identifiers.end(), [&](const std::string& id) {
          return id.rfind(std::string(requiredSystem) + "|", 0) == 0;
        })) {
      return;
    }
    keep(std::move(m), role);
  }

  /// A PractitionerRole whose own code names a care role.
  void addRole(const Node& practitionerRole) {
    StatedMember m;
    describeRole(practitionerRole, m);
    keep(std::move(m), roleOf(practitionerRole));
  }

  const Node* resolve(const Node* reference) const { return entries_.resolve(reference); }
  std::vector<StatedMember> take() { return std::move(members_); }

 private:
  void describeRole(const Node& practitionerRole, StatedMember& m) const {
    if (const Node* o = entries_.resolve(practitionerRole.child("organization"))) {
      describeOrganization(*o, m);
    }
    if (const Node* p = entries_.resolve(practitionerRole.child("practitioner"))) describePerson(*p, m);
  }

  /// Adds `m` in `role` when it is someone (an identifier, a number or a name) and not there
  /// already in that role.
  void keep(StatedMember m, const CareRole* role) {
    if (role == nullptr || (m.identifiers.empty() && m.phones.empty() && m.display().empty())) return;
    m.role = std::string(role->code);
    if (std::find(members_.begin(), members_.end(), m) == members_.end()) {
      members_.push_back(std::move(m));
    }
  }

  Entries entries_;
  std::vector<StatedMember> members_;
};

/// A referral letter's 紹介先情報セクション (JP-CLINS eReferral: section code 910 of
/// http://jpfhir.jp/fhir/clins/CodeSystem/document-section), or nullptr.
const Node* referralToSection(const Node& composition) {
  for (const Node& section : composition.children()) {
    if (section.name != "section") continue;
    const Node* code = section.child("code");
    if (code == nullptr) continue;
    for (const Node& coding : code->children()) {
      if (coding.name == "coding" && coding.childValue("system") == kDocumentSectionSystem &&
          coding.childValue("code") == "910") {
        return &section;
      }
    }
  }
  return nullptr;
}

/// Whether a document's category says it was written at discharge (退院時文書).
bool writtenAtDischarge(const Node& composition) {
  for (const Node& category : composition.children()) {
    if (category.name != "category") continue;
    for (const Node& coding : category.children()) {
      if (coding.name == "coding" && coding.childValue("code") == "DISCHARGE") return true;
    }
  }
  return false;
}

bool isAttending(const Node& participant) {
  for (const Node& type : participant.children()) {
    if (type.name != "type") continue;
    for (const Node& coding : type.children()) {
      if (coding.name == "coding" && coding.childValue("code") == "ATND") return true;
    }
  }
  return false;
}

}  // namespace

std::string StatedMember::display() const {
  if (organizationName.empty()) return personName;
  if (personName.empty()) return organizationName;
  return organizationName + " " + personName;
}

std::vector<StatedMember> statedMembers(const fhir::Node& root) {
  // Most messages state no one: look before indexing the Bundle.
  bool mayState = false;
  fhir::eachResource(root, [&](const Node& r) {
    mayState = mayState || r.resourceType == "PractitionerRole" ||
               (r.resourceType == "CarePlan" && r.child("author") != nullptr) ||
               (r.resourceType == "Patient" && r.child("generalPractitioner") != nullptr) ||
               (r.resourceType == "Encounter" && r.child("participant") != nullptr) ||
               (r.resourceType == "Composition" && referralToSection(r) != nullptr);
  });
  if (!mayState) return {};
  Collector collect(root);
  const CareRole* familyDoctor = careRoleByCode("family-doctor");
  const CareRole* attending = careRoleByCode("attending-doctor");
  const CareRole* careManager = careRoleByCode("care-manager");
  const CareRole* homeDoctor = careRoleByCode("home-doctor");
  bool patientSeen = false;
  fhir::eachResource(root, [&](const Node& r) {
    if (r.resourceType == "Patient" && !patientSeen) {
      patientSeen = true;
      for (const Node& gp : r.children()) {
        if (gp.name == "generalPractitioner") collect.add(&gp, familyDoctor);
      }
    } else if (r.resourceType == "PractitionerRole") {
      collect.addRole(r);
    } else if (r.resourceType == "CarePlan") {
      // A care office's plan (居宅サービス計画) names its author by 介護事業所番号.
      collect.add(r.child("author"), careManager, nullptr, kCareProviderNumberSystem);
    } else if (r.resourceType == "Composition") {
      // A referral letter's addressee: the doctor (at its organization), else the organization.
      // Written at discharge, it is who sees the patient at home; otherwise who treats them next.
      const Node* to = referralToSection(r);
      if (to == nullptr) return;
      const Node* organization = nullptr;
      const Node* doctor = nullptr;
      for (const Node& entry : to->children()) {
        if (entry.name != "entry") continue;
        const Node* target = collect.resolve(&entry);
        if (target != nullptr && target->resourceType == "Organization") organization = &entry;
        if (target != nullptr && target->resourceType == "Practitioner") doctor = &entry;
      }
      collect.add(doctor != nullptr ? doctor : organization,
                  writtenAtDischarge(r) ? homeDoctor : attending,
                  organization != nullptr ? collect.resolve(organization) : nullptr);
    } else if (r.resourceType == "Encounter") {
      const Node* provider = collect.resolve(r.child("serviceProvider"));
      for (const Node& p : r.children()) {
        if (p.name == "participant" && isAttending(p)) {
          collect.add(p.child("individual"), attending, provider);
        }
      }
    }
  });
  return collect.take();
}

std::string statedCareTeamId(const std::string& patientKey, const std::string& role) {
  return "stated-" + sha256Hex(patientKey + "\n" + role).substr(0, 32);
}

std::string statedCareTeamJson(const std::string& id, const std::string& patientKey,
                               const std::string& role, const std::vector<StatedMember>& members,
                               const std::vector<std::string>& memberReferences) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  auto string = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto identifier = [&](const std::string& key) {
    const std::size_t bar = key.find('|');
    w.Key("identifier");
    w.StartObject();
    if (bar != 0 && bar != std::string::npos) string("system", key.substr(0, bar));
    string("value", bar == std::string::npos ? key : key.substr(bar + 1));
    w.EndObject();
  };
  const CareRole* careRole = careRoleByCode(role);
  const std::string label = careRole ? std::string(careRole->display) : role;
  w.StartObject();
  string("resourceType", "CareTeam");
  string("id", id);
  string("status", "active");
  string("name", label + "（連携情報より）");
  w.Key("subject");
  w.StartObject();
  identifier(patientKey);
  w.EndObject();
  w.Key("participant");
  w.StartArray();
  for (std::size_t i = 0; i < members.size(); ++i) {
    const StatedMember& m = members[i];
    w.StartObject();
    w.Key("role");
    w.StartArray();
    w.StartObject();
    w.Key("coding");
    w.StartArray();
    w.StartObject();
    string("system", std::string(kCareRoleSystem));
    string("code", role);
    string("display", label);
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.EndArray();
    w.Key("member");
    w.StartObject();
    const std::string& reference = i < memberReferences.size() ? memberReferences[i] : std::string();
    if (!reference.empty()) {
      string("reference", reference);
    } else if (!m.identifiers.empty()) {
      identifier(m.identifiers.front());
    }
    if (!m.display().empty()) string("display", m.display());
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace renkei::care

// CareTeamLookup: when to rebuild the care directory, and loading it from the store.
#include "renkei/care/care_team_lookup.h"

#include <rapidjson/document.h>

#include <utility>

#include "renkei/core/json_fields.h"
#include "renkei/core/json_log.h"
#include "renkei/core/steady_clock.h"

namespace renkei::care {
namespace {

constexpr const char* kDirectoryTypes[] = {"CareTeam", "PractitionerRole", "Practitioner",
                                           "Organization", "Endpoint", "Consent"};
constexpr int64_t kPage = 1000;

Result<std::vector<store::StoredResource>> loadAll(store::Store& store, const std::string& type) {
  std::vector<store::StoredResource> all;
  std::string afterOrganization, afterId;
  for (;;) {
    auto page = store.currentResources(type, afterOrganization, afterId, kPage);
    if (!page.ok()) return page.status();
    for (store::StoredResource& r : page.value()) all.push_back(std::move(r));
    if (static_cast<int64_t>(page.value().size()) < kPage) return all;
    afterOrganization = all.back().organization;
    afterId = all.back().id;
  }
}

}  // namespace

CareTeamLookup::CareTeamLookup(std::shared_ptr<store::Store> store, std::set<std::string> channels,
                               int64_t checkMs, ConsentPolicy policy, TrustPolicy trust)
    : store_(std::move(store)),
      channels_(std::move(channels)),
      checkMs_(checkMs),
      policy_(std::move(policy)),
      trust_(std::move(trust)) {}

bool CareTeamLookup::watches(std::string_view type) {
  if (type == "Patient") return true;
  for (const char* t : kDirectoryTypes) {
    if (type == t) return true;
  }
  return false;
}

void CareTeamLookup::noteWritten(std::string_view type) {
  if (!watches(type)) return;
  // A Patient matters only while some CareTeam's subject is not resolved yet.
  if (type != "Patient" || patientsMatter_) dirty_ = true;
}

std::map<std::string, int64_t> CareTeamLookup::marks() {
  std::map<std::string, int64_t> out;
  for (const char* type : kDirectoryTypes) {
    auto latest = store_->latestResourceMessage(type);
    out[type] = latest.ok() ? latest.value() : -1;
  }
  if (patientsMatter_) {
    auto latest = store_->latestResourceMessage("Patient");
    out["Patient"] = latest.ok() ? latest.value() : -1;
  }
  return out;
}

std::shared_ptr<const CareDirectory> CareTeamLookup::current() {
  std::lock_guard lock(mutex_);
  const int64_t now = steadyNowMs();
  if (!dirty_ && snapshot_ && now - checkedAtMs_ < checkMs_) return snapshot_;
  checkedAtMs_ = now;
  std::map<std::string, int64_t> latest = marks();
  if (!dirty_ && snapshot_ && latest == seen_) return snapshot_;
  dirty_ = false;  // before the load: a write during it makes the next call look again
  auto loaded = load();
  if (!loaded.ok()) {
    seen_.clear();  // tried again after check_ms, not on every message
    JsonLog::write(LogLevel::Warn, "care_directory_not_loaded",
                   {{"error", loaded.status().toString()}});
    if (!snapshot_) snapshot_ = CareDirectory::build({}, channels_, policy_, trust_);
    return snapshot_;
  }
  snapshot_ = std::move(loaded).value();
  patientsMatter_ = snapshot_->unresolvedSubjects() > 0;
  seen_ = std::move(latest);  // taken before the load: a write during it is seen next time
  return snapshot_;
}

Result<std::shared_ptr<const CareDirectory>> CareTeamLookup::load() {
  DirectoryResources r;
  std::vector<store::StoredResource>* lists[] = {&r.careTeams,     &r.practitionerRoles,
                                                 &r.practitioners, &r.organizations,
                                                 &r.endpoints,     &r.consents};
  for (std::size_t i = 0; i < std::size(kDirectoryTypes); ++i) {
    auto all = loadAll(*store_, kDirectoryTypes[i]);
    if (!all.ok()) return all.status();
    *lists[i] = std::move(all).value();
  }
  r.patientIdentifiers = [this](const std::string& organization, const std::string& id) {
    std::vector<std::string> out;
    auto patient = store_->resource("Patient", id, store::ReadScope{organization, {}}, 0);
    if (!patient.ok() || !patient.value()) return out;
    rapidjson::Document doc;
    doc.Parse(patient.value()->content.c_str(), patient.value()->content.size());
    if (doc.HasParseError() || !doc.IsObject()) return out;
    json::each(doc, "identifier", [&](const rapidjson::Value& identifier) {
      const std::string value = json::str(identifier, "value");
      if (!value.empty()) out.push_back(json::str(identifier, "system") + "|" + value);
    });
    return out;
  };
  auto directory = CareDirectory::build(r, channels_, policy_, trust_);
  if (!directory->untrustedStatements().empty()) {
    // The organizations only: a CareTeam's id is the client's choice and may carry a patient number.
    std::set<std::string> organizations;
    for (const std::string& st : directory->untrustedStatements()) {
      organizations.insert(st.substr(0, st.find(':')));
    }
    std::string names;
    for (const std::string& o : organizations) names += (names.empty() ? "" : ",") + o;
    JsonLog::write(LogLevel::Warn, "care_statements_untrusted",
                   {{"count", std::to_string(directory->untrustedStatements().size())},
                    {"organizations", names}});
  }
  return directory;
}

}  // namespace renkei::care

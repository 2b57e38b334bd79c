// The organization's known patients a masked fax may be about (see patient_candidates.h).
#include "patient_candidates.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/forms/fax_bundle.h"
#include "renkei/forms/sample_pages.h"
#include "renkei/matching/match_keys.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/matching/patient_index.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::adapters {
namespace {

/// Without the name, birth date (7) and sex (1) alone make 8: enough to be offered, never linked.
constexpr matching::MatchThresholds kOffer{1e9, 5, 0};

/// A record a reviewer may choose: identified by an identifier, not itself waiting for a person.
bool choosable(const store::PatientLink& link) {
  return link.state != store::kPending && link.record.rfind("Patient/", 0) != 0 &&
         link.record.find('|') != std::string::npos;
}

std::optional<matching::PatientRecord> patientOf(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return std::nullopt;
  const rapidjson::Value* patient = matching::firstPatient(d);
  if (patient == nullptr) return std::nullopt;
  return matching::patientRecordFromFhir(*patient);
}

/// The fields the mapping's Patient templates read ({family}, {birth}, …).
std::set<std::string> patientFields(const mapping::Mapping& m) {
  std::set<std::string> out;
  for (const mapping::ResourceSpec& r : m.resources) {
    if (r.resourceType != "Patient") continue;
    rapidjson::StringBuffer text;
    renkei::fhir::RunCopyingWriter writer(text);
    r.templ.Accept(writer);
    const std::string_view t(text.GetString(), text.GetSize());
    for (std::size_t open = t.find('{'); open != std::string_view::npos; open = t.find('{', open + 1)) {
      std::size_t end = open + 1;
      while (end < t.size() && (std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '_')) ++end;
      if (end < t.size() && t[end] == '}' && end > open + 1) out.emplace(t.substr(open + 1, end - open - 1));
    }
  }
  return out;
}

/// What the page says of its patient, as its mapping makes the Patient. A value elsewhere on the
/// sheet that does not map (a misread admission date) is replaced, for this search only, by a
/// value of its type that does; a Patient value that does not map is left out. nullopt when the
/// page makes no Patient even so.
std::optional<matching::PatientRecord> queryOf(const forms::FormTemplate& form, forms::PageReading page) {
  const std::set<std::string> ofPatient = patientFields(*form.mapping);
  std::mt19937 random(1);
  const std::map<std::string, std::string> stand = forms::sampleValues(form, random);
  for (std::size_t attempt = 0; attempt <= page.fields.size(); ++attempt) {
    std::vector<std::string> failed;
    auto bundle = forms::mappedPageBundle(form, page, &failed);
    if (bundle.ok()) return patientOf(bundle.value());
    bool changed = false;
    for (forms::FieldReading& f : page.fields) {
      if (std::find(failed.begin(), failed.end(), f.name) == failed.end()) continue;
      auto standIn = stand.find(f.name);
      const std::string value = ofPatient.count(f.name) > 0 || standIn == stand.end() ? "" : standIn->second;
      changed = changed || value != f.value;
      f.value = value;
    }
    if (!changed) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool masksPatientName(const forms::FormTemplate* form, const forms::PageReading& page) {
  if (form == nullptr || form->mapping == nullptr) return false;
  for (const auto& resource : form->mapping->resources) {
    for (const std::string& name : resource.maskedIdentity) {
      for (const forms::FieldReading& f : page.fields) {
        if (f.name == name && !f.value.empty() && matching::looksMasked(f.value)) return true;
      }
    }
  }
  return false;
}

struct PatientCandidates::Known {
  int64_t loadedMs = 0;
  matching::PatientIndex index{kOffer};
  std::map<std::string, matching::PatientRecord> records;
};

Result<std::shared_ptr<const PatientCandidates::Known>> PatientCandidates::known(const std::string& organization,
                                                                                 int64_t nowMs) {
  {
    std::lock_guard lock(mutex_);
    auto cached = byOrganization_.find(organization);
    if (cached != byOrganization_.end() && nowMs - cached->second->loadedMs < reloadMs_) return cached->second;
  }
  // Loaded without the lock: another organization's reviewers do not wait for it.
  auto fresh = std::make_shared<Known>();
  fresh->loadedMs = nowMs;
  store::PatientLinkFilter page;
  page.organization = organization;
  page.afterOrganization = organization;
  for (;;) {
    auto links = store_->patientLinks(page);
    if (!links.ok()) return links.status();
    for (const store::PatientLink& link : links.value()) {
      if (!choosable(link)) continue;
      auto record = patientOf(link.patient);
      if (!record) continue;
      fresh->index.upsert(link.record, *record);
      fresh->records.emplace(link.record, std::move(*record));
    }
    if (links->size() < std::size_t(page.limit)) break;
    page.afterRecord = links->back().record;
  }
  std::lock_guard lock(mutex_);
  byOrganization_[organization] = fresh;
  return std::shared_ptr<const Known>(fresh);
}

Result<std::vector<PatientCandidate>> PatientCandidates::forPage(const std::string& organization,
                                                                 const forms::FormTemplate& form,
                                                                 const forms::PageReading& page, int64_t nowMs) {
  std::vector<PatientCandidate> out;
  if (form.mapping == nullptr) return out;
  auto query = queryOf(form, page);
  if (!query) return out;
  auto known = this->known(organization, nowMs);
  if (!known.ok()) return known.status();
  for (matching::MatchCandidate& c : known.value()->index.match(*query).candidates) {
    out.push_back({c.patientId, c.score, std::move(c.reasons), known.value()->records.at(c.patientId)});
  }
  return out;
}

Result<std::optional<store::PatientLink>> PatientCandidates::record(const std::string& organization,
                                                                    const std::string& record) {
  store::PatientLinkFilter one;
  one.organization = organization;
  one.record = record;
  auto links = store_->patientLinks(one);
  if (!links.ok()) return links.status();
  if (links->empty() || !choosable(links->front())) return std::optional<store::PatientLink>();
  return std::optional<store::PatientLink>(std::move(links->front()));
}

}  // namespace renkei::adapters

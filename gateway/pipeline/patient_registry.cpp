// PatientRegistry: deciding a message's patient record, knowing each person's identifiers, and
// catching up with the store's decisions (see patient_registry.h).
#include "renkei/pipeline/patient_registry.h"

#include <algorithm>
#include <mutex>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/digest.h"
#include "renkei/core/json_fields.h"
#include "renkei/core/json_log.h"
#include "renkei/core/steady_clock.h"
#include "renkei/matching/match_keys.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::pipeline {
namespace {

constexpr int64_t kPage = 2000;

std::string keyOf(const std::string& organization, const std::string& record) {
  return organization + '\n' + record;
}

std::string jsonText(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  v.Accept(w);
  return std::string(buffer.GetString(), buffer.GetSize());
}

/// "system|value" of each identifier with a value.
std::vector<std::string> identifiersOf(const rapidjson::Value& patient) {
  std::vector<std::string> out;
  json::each(patient, "identifier", [&](const rapidjson::Value& i) {
    const std::string value = json::str(i, "value");
    if (!value.empty()) out.push_back(json::str(i, "system") + "|" + value);
  });
  return out;
}

std::string identifiersJson(const std::vector<std::string>& identifiers) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartArray();
  for (const std::string& i : identifiers) w.String(i.c_str(), static_cast<rapidjson::SizeType>(i.size()));
  w.EndArray();
  return buffer.GetString();
}

std::vector<std::string> identifiersFromJson(const std::string& text) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& v : d.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

bool masked(const matching::PatientRecord& r) {
  for (const std::string* name : {&r.familyName, &r.givenName, &r.familyKana, &r.givenKana}) {
    if (!name->empty() && matching::looksMasked(*name)) return true;
  }
  return false;
}

}  // namespace

std::string patientRecordKey(const rapidjson::Value& patient) {
  std::string key;
  json::each(patient, "identifier", [&](const rapidjson::Value& i) {
    const std::string system = json::str(i, "system"), value = json::str(i, "value");
    if (key.empty() && !system.empty() && !value.empty()) key = system + "|" + value;
  });
  if (key.empty() && !json::str(patient, "id").empty()) key = "Patient/" + json::str(patient, "id");
  return key;
}

std::string personIdFor(const std::string& organization, const std::string& record) {
  return "person-" + sha256Hex(organization + "\n" + record).substr(0, 24);
}

PatientRegistry::PatientRegistry(std::shared_ptr<store::Store> store,
                                 matching::MatchThresholds thresholds, int64_t checkMs)
    : store_(std::move(store)), checkMs_(checkMs), index_(thresholds) {}

std::size_t PatientRegistry::size() const {
  std::shared_lock lock(mutex_);
  return records_.size();
}

void PatientRegistry::put(store::PatientLink link) {
  const std::string key = keyOf(link.organization, link.record);
  auto known = records_.find(key);
  if (known != records_.end() && known->second.link.person != link.person) {
    std::vector<std::string>& before = persons_[known->second.link.person];
    before.erase(std::remove(before.begin(), before.end(), key), before.end());
    if (before.empty()) persons_.erase(known->second.link.person);
  }
  std::vector<std::string>& records = persons_[link.person];
  if (std::find(records.begin(), records.end(), key) == records.end()) records.push_back(key);
  rapidjson::Document patient;
  patient.Parse(link.patient.c_str(), link.patient.size());
  if (!patient.HasParseError() && patient.IsObject()) {
    index_.upsert(key, matching::patientRecordFromFhir(patient));
  }
  std::vector<std::string> identifiers = identifiersFromJson(link.identifiers);
  std::string seen = sha256Hex(link.patient + '\n' + link.identifiers);
  link.patient.clear();  // kept in the store; memory holds what matching and routing need
  link.candidates.clear();
  records_[key] = {std::move(link), std::move(identifiers), std::move(seen)};
}

Status PatientRegistry::loadAll() {
  // Where the events end first: every decision after it is applied again by applyEvents.
  for (;;) {
    auto events = store_->matchEvents(lastEvent_, "", kPage);
    if (!events.ok()) return events.status();
    if (!events->empty()) lastEvent_ = events->back().id;
    if (static_cast<int64_t>(events->size()) < kPage) break;
  }
  store::PatientLinkFilter page;
  page.limit = kPage;
  for (;;) {
    auto links = store_->patientLinks(page);
    if (!links.ok()) return links.status();
    for (store::PatientLink& l : links.value()) {
      page.afterOrganization = l.organization;
      page.afterRecord = l.record;
      put(std::move(l));
    }
    if (static_cast<int64_t>(links->size()) < kPage) break;
  }
  loaded_ = true;
  return Status::okStatus();
}

Status PatientRegistry::applyEvents() {
  for (;;) {
    auto events = store_->matchEvents(lastEvent_, "", kPage);
    if (!events.ok()) return events.status();
    for (const store::MatchEvent& e : events.value()) {
      store::PatientLinkFilter one;
      one.organization = e.organization;
      one.record = e.record;
      auto links = store_->patientLinks(one);
      if (!links.ok()) return links.status();
      for (store::PatientLink& l : links.value()) put(std::move(l));
      lastEvent_ = e.id;
    }
    if (static_cast<int64_t>(events->size()) < kPage) return Status::okStatus();
  }
}

void PatientRegistry::noteCommitted(const store::PatientLinkPlan& plan) {
  if (!plan.action.empty()) {
    stale_ = true;
    return;
  }
  std::unique_lock lock(mutex_);
  auto known = records_.find(keyOf(plan.link.organization, plan.link.record));
  if (known == records_.end()) return;
  known->second.identifiers = identifiersFromJson(plan.link.identifiers);
  known->second.seen = sha256Hex(plan.link.patient + '\n' + plan.link.identifiers);
  rapidjson::Document patient;
  patient.Parse(plan.link.patient.c_str(), plan.link.patient.size());
  if (!patient.HasParseError() && patient.IsObject()) {
    index_.upsert(known->first, matching::patientRecordFromFhir(patient));
  }
}

Status PatientRegistry::refresh() {
  std::unique_lock lock(mutex_);
  stale_ = false;  // before reading: a commit during it makes the next observation look again
  checkedAtMs_ = steadyNowMs();
  Status st = loaded_ ? applyEvents() : loadAll();
  if (!st.ok()) {
    // Tried again after check_ms, not on every message; routing goes on with what is known.
    JsonLog::write(LogLevel::Warn, "patient_registry_not_refreshed", {{"error", st.toString()}});
  }
  return st;
}

store::PatientLinkPlan PatientRegistry::decide(const std::string& sender, const std::string& record,
                                               const rapidjson::Value& patient,
                                               const std::string& identifiers,
                                               const std::string& patientJson) const {
  const std::string self = keyOf(sender, record);
  const matching::PatientRecord query = matching::patientRecordFromFhir(patient);
  const matching::MatchResult result = index_.match(query, self);
  store::PatientLinkPlan plan;
  store::PatientLink& l = plan.link;
  l.organization = sender;
  l.record = record;
  l.person = personIdFor(sender, record);
  l.identifiers = identifiers;
  l.patient = patientJson;
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartArray();
  for (const matching::MatchCandidate& c : result.candidates) {
    const Known& known = records_.at(c.patientId);
    w.StartObject();
    w.Key("organization");
    w.String(known.link.organization.c_str());
    w.Key("record");
    w.String(known.link.record.c_str());
    w.Key("person");
    w.String(known.link.person.c_str());
    w.Key("score");
    w.Int64(static_cast<int64_t>(c.score));
    w.Key("reasons");
    w.StartArray();
    for (const std::string& reason : c.reasons) w.String(reason.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  const bool linkable = result.decision == matching::MatchDecision::Link;
  if (masked(query)) {
    l.state = store::kPending;
    l.candidates = buffer.GetString();
    plan.action = "pending";
  } else if (linkable) {
    l.person = records_.at(result.candidates.front().patientId).link.person;
    l.state = store::kLinked;
    l.score = static_cast<int64_t>(result.candidates.front().score);
    plan.action = "auto-link";
  } else if (!result.candidates.empty()) {
    l.state = store::kReview;
    l.candidates = buffer.GetString();
    plan.action = "review";
  } else {
    l.state = store::kLinked;
    plan.action = "new";
  }
  plan.score = l.score > 0 ? l.score
                           : (result.candidates.empty()
                                  ? 0
                                  : static_cast<int64_t>(result.candidates.front().score));
  return plan;
}

PatientRegistry::Observation PatientRegistry::observe(const std::string& sender,
                                                      const rapidjson::Value& patient) {
  Observation out;
  const std::string record = patientRecordKey(patient);
  if (record.empty()) return out;
  if (stale_ || steadyNowMs() - checkedAtMs_ >= checkMs_) {
    (void)refresh();  // a failure is logged there; the next try comes after check_ms
  }
  const std::vector<std::string> own = identifiersOf(patient);
  const std::string identifiers = identifiersJson(own);
  const std::string patientJson = jsonText(patient);
  std::shared_lock lock(mutex_);
  const std::string key = keyOf(sender, record);
  auto known = records_.find(key);
  const bool decidedByPerson = known != records_.end() && !known->second.link.decidedBy.empty();
  const bool unmaskedNow = known != records_.end() && known->second.link.state == store::kPending &&
                           !masked(matching::patientRecordFromFhir(patient));
  std::string person, state;
  if (known != records_.end() && (decidedByPerson || !unmaskedNow)) {
    const store::PatientLink& l = known->second.link;
    person = l.person;
    state = l.state;
    if (known->second.seen != sha256Hex(patientJson + '\n' + identifiers)) {
      store::PatientLinkPlan refreshed;  // no action: what the record carries, nothing decided
      refreshed.link = l;
      refreshed.link.patient = patientJson;
      refreshed.link.identifiers = identifiers;
      out.plan = std::move(refreshed);
    }
  } else {
    out.plan = decide(sender, record, patient, identifiers, patientJson);
    person = out.plan->link.person;
    state = out.plan->link.state;
  }
  if (state == store::kLinked) out.personIdentifiers = withLinked(key, person, own);
  return out;
}

std::vector<std::string> PatientRegistry::withLinked(const std::string& key,
                                                     const std::string& person,
                                                     std::vector<std::string> identifiers) const {
  auto records = persons_.find(person);
  if (records == persons_.end()) return identifiers;
  for (const std::string& other : records->second) {
    const Known& k = records_.at(other);
    if (other == key || k.link.state != store::kLinked) continue;
    for (const std::string& id : k.identifiers) {
      if (std::find(identifiers.begin(), identifiers.end(), id) == identifiers.end()) {
        identifiers.push_back(id);
      }
    }
  }
  return identifiers;
}

std::vector<std::string> PatientRegistry::personIdentifiers(
    const std::string& sender, const std::vector<std::string>& identifiers) const {
  std::shared_lock lock(mutex_);
  for (const std::string& id : identifiers) {
    auto known = records_.find(keyOf(sender, id));
    if (known == records_.end() || known->second.link.state != store::kLinked) continue;
    return withLinked(known->first, known->second.link.person, identifiers);
  }
  return identifiers;
}

}  // namespace renkei::pipeline

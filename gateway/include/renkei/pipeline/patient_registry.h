// The patient registry: every sender's patient record (its identifier) belongs to one person.
// When a message arrives, its patient is matched (matching/patient_index.h) against every record
// the registry knows — a clear match links it to that person, an unclear one waits for a person
// (REVIEW, with its candidates), a masked name waits for a person or the sender (PENDING) — and
// routing then knows the patient by the identifiers of every linked record: the care team a clinic
// stated under its own patient number receives the hospital's discharge under the hospital's.
// Decisions are written with the routing (store::PatientLinkPlan) and never over a person's; a
// person links or separates records with `renkei patients`. Thread-safe: matches run in parallel,
// the registry catches up with the store's decisions (its own, another instance's, operators')
// by their events.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/matching/patient_index.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

/// The record key of a Patient: its first identifier with a system and a value
/// ("system|value"), else "Patient/<id>"; "" when it has neither.
std::string patientRecordKey(const rapidjson::Value& patient);

/// The person id a record founds: the same for the same (organization, record) everywhere.
std::string personIdFor(const std::string& organization, const std::string& record);

class PatientRegistry {
 public:
  PatientRegistry(std::shared_ptr<store::Store> store, matching::MatchThresholds thresholds,
                  int64_t checkMs);

  struct Observation {
    std::optional<store::PatientLinkPlan> plan;  ///< what to write with the routing, if anything
    /// "system|value" of every record linked to the patient's person (its own included); empty
    /// while the record waits for a person.
    std::vector<std::string> personIdentifiers;
  };
  /// What the registry says of `patient`, sent by `sender`.
  Observation observe(const std::string& sender, const rapidjson::Value& patient);
  /// `identifiers` and those of every record linked to the person whose record `sender` knows by
  /// one of them (the consent review asks this of a queued delivery).
  std::vector<std::string> personIdentifiers(const std::string& sender,
                                             const std::vector<std::string>& identifiers) const;
  /// A routing with this plan was committed: a decision is read back from the store (its event)
  /// before the next observation; a refresh of what the record carries is applied at once.
  void noteCommitted(const store::PatientLinkPlan& plan);
  /// Catches up with the store now (also done by observe every check_ms); loads everything the
  /// first time.
  Status refresh();
  std::size_t size() const;

 private:
  struct Known {
    store::PatientLink link;  ///< without its Patient and candidates (they stay in the store)
    std::vector<std::string> identifiers;
    std::string seen;  ///< digest of the Patient and identifiers last stored for the record
  };
  /// `identifiers` plus those of the person's other linked records (the lock held).
  std::vector<std::string> withLinked(const std::string& key, const std::string& person,
                                      std::vector<std::string> identifiers) const;
  Status loadAll();
  Status applyEvents();
  void put(store::PatientLink link);
  store::PatientLinkPlan decide(const std::string& sender, const std::string& record,
                                const rapidjson::Value& patient, const std::string& identifiers,
                                const std::string& patientJson) const;

  std::shared_ptr<store::Store> store_;
  int64_t checkMs_;
  mutable std::shared_mutex mutex_;
  matching::PatientIndex index_;
  std::unordered_map<std::string, Known> records_;  ///< organization '\n' record → what is known
  std::unordered_map<std::string, std::vector<std::string>> persons_;  ///< person → record keys
  bool loaded_ = false;
  int64_t lastEvent_ = 0;
  int64_t checkedAtMs_ = 0;
  std::atomic<bool> stale_{true};
};

}  // namespace renkei::pipeline

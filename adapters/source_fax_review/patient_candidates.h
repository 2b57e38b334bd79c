// Who a faxed sheet with a masked name may be about: the known patients of the reviewer's
// organization only — the patient registry's records that organization sent (store::PatientLink),
// identified ones (not themselves waiting for a person) — scored against what the page says
// (birth date, sex, kana, phone, postal code: matching/patient_index.h) with a low threshold, since
// the name, the strongest evidence, is missing. Each organization's records are loaded once and
// reloaded when older than `reloadMs`. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/form_reader.h"
#include "renkei/forms/form_template.h"
#include "renkei/matching/patient_record.h"
#include "renkei/store/store.h"

namespace renkei::adapters {

struct PatientCandidate {
  std::string record;                ///< the registry record: "system|value"
  double score = 0;
  std::vector<std::string> reasons;  ///< matching's ("birth date equal", …)
  matching::PatientRecord known;     ///< what the record's Patient says, for the reviewer to compare
};

/// True when a field the form's mapping takes as the person's name holds a masked name (●, ○, ＊,
/// initials).
bool masksPatientName(const forms::FormTemplate* form, const forms::PageReading& page);

class PatientCandidates {
 public:
  explicit PatientCandidates(std::shared_ptr<store::Store> store, int64_t reloadMs = 30'000)
      : store_(std::move(store)), reloadMs_(reloadMs) {}

  /// The organization's patients who may be the page's, best first, at most five; none when the
  /// page's values do not map to a Patient yet.
  Result<std::vector<PatientCandidate>> forPage(const std::string& organization, const forms::FormTemplate& form,
                                                const forms::PageReading& page, int64_t nowMs);
  /// The organization's identified record `record` (read from the store now), nullopt when the
  /// organization has no such record.
  Result<std::optional<store::PatientLink>> record(const std::string& organization, const std::string& record);

 private:
  struct Known;
  Result<std::shared_ptr<const Known>> known(const std::string& organization, int64_t nowMs);

  std::shared_ptr<store::Store> store_;
  int64_t reloadMs_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Known>> byOrganization_;
};

}  // namespace renkei::adapters

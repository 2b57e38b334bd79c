// Patient matching: an in-memory index of known patients, blocked by identifier, birth date,
// kana name and phone, and a score per candidate from the fields two records share or
// contradict (weights in patient_index.cpp, documented in docs/matching.md). The decision is
// Link (one candidate well above the auto-link threshold), Review (a person decides) or New.
// Matches may run in parallel; upserts and removals need the caller's exclusive lock.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "renkei/matching/patient_record.h"

namespace renkei::matching {

struct MatchThresholds {
  double autoLink = 20;  ///< at or above: linked without a person, if no rival is close
  double review = 12;    ///< at or above (and below autoLink): a person decides
  double margin = 6;     ///< the best must lead the second by this much to be linked
};

enum class MatchDecision { Link, Review, New };
const char* toString(MatchDecision decision);

struct MatchCandidate {
  std::string patientId;
  double score = 0;
  std::vector<std::string> reasons;  ///< e.g. "birth date equal", "given kana differs"
};

struct MatchResult {
  MatchDecision decision = MatchDecision::New;
  std::vector<MatchCandidate> candidates;  ///< best first, at most 5, all at or above `review`
};

class PatientIndex {
 public:
  explicit PatientIndex(MatchThresholds thresholds = {});
  ~PatientIndex();
  PatientIndex(PatientIndex&&) noexcept;
  PatientIndex& operator=(PatientIndex&&) noexcept;

  /// Adds a patient or replaces what is known of it.
  void upsert(const std::string& patientId, const PatientRecord& record);
  void remove(const std::string& patientId);
  /// The candidates for `record`, leaving out the patient `excluding` (itself, when it is known).
  MatchResult match(const PatientRecord& record, std::string_view excluding = {}) const;
  std::size_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace renkei::matching

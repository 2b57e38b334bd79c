// A generated population of elderly Tokyo patients, and the records other sources would send of
// them: half-width or hiragana kana, variant kanji, spaces, ヴ/ブ, married names, missing or
// changed phones, birth-date typos, masked names — and new people, twins among them. Used by the
// matching tests (precision/recall floors) and bench/matching.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "renkei/matching/patient_record.h"

namespace renkei::test {

struct KnownPatient {
  std::string id;
  matching::PatientRecord record;
};

struct MatchCase {
  matching::PatientRecord query;
  std::string truthId;  ///< the known patient it is; "" for someone not known
  std::string kind;     ///< "variant", "masked", "new", "twin"
};

class PatientPopulation {
 public:
  explicit PatientPopulation(uint32_t seed) : random_(seed) {}
  std::vector<KnownPatient> known(std::size_t n);
  /// `n` queries: about 60% variants of known patients (3% of them masked), 30% new people,
  /// 10% twins of known patients.
  std::vector<MatchCase> queries(const std::vector<KnownPatient>& known, std::size_t n);

 private:
  matching::PatientRecord person(const std::string& sex);
  matching::PatientRecord variantOf(const matching::PatientRecord& r, bool masked);
  int pick(int n);
  bool chance(double p);

  std::mt19937 random_;
  uint64_t serial_ = 0;
};

}  // namespace renkei::test

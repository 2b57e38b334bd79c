// PatientIndex: blocking keys → candidate patients → a score from agreement and disagreement of
// each field, then a decision against the thresholds.
#include "renkei/matching/patient_index.h"

#include <algorithm>
#include <deque>
#include <functional>

#include "block_postings.h"
#include "renkei/matching/match_keys.h"

namespace renkei::matching {
namespace {

// Weights: roughly the log-odds that two records agreeing (or disagreeing) on a field are one
// person, for Japanese names and dates of birth. See docs/matching.md.
constexpr double kIdentifierEqual = 25;
constexpr double kIdentifierDiffers = -12;  // the same system names someone else
constexpr double kBirthEqual = 7;
constexpr double kBirthTypo = 1;  // one digit off, or month and day swapped
constexpr double kBirthDiffers = -12;
constexpr double kSexEqual = 1;
constexpr double kSexDiffers = -8;
// One kana apart is a typo as often as another person (たろう/じろう, さとう/さいとう): it costs
// less than a different name, and never helps.
constexpr double kFamilyEqual = 5;
constexpr double kFamilyClose = -1;
constexpr double kFamilyDiffers = -3;  // marriage changes it
constexpr double kGivenEqual = 6;
constexpr double kGivenClose = -4;
constexpr double kGivenDiffers = -9;  // twins share everything else
constexpr double kKanjiAlsoEqual = 1;
constexpr double kPhoneEqual = 6;
constexpr double kPostalEqual = 3;
constexpr double kPostalDiffers = -1;
constexpr double kMunicipalityEqual = 1;
constexpr double kMunicipalityDiffers = -2;

uint64_t hashOf(const std::string& text) { return std::hash<std::string>{}(text); }

/// What the index keeps of each patient: short strings (within the small-string buffer for most
/// names, dates and numbers) and identifiers as hashes of (system) and (system, value).
struct Keys {
  std::vector<std::pair<uint64_t, uint64_t>> identifiers;
  std::string familyKana, givenKana;  ///< kanaKey()
  std::string familyKanji, givenKanji;
  std::string birthDate, sex, postal, municipality, phone;
  bool masked = false;
};

std::string normalizedSex(const std::string& sex) {
  return sex == "male" || sex == "female" ? sex : std::string();
}

Keys keysOf(const PatientRecord& r) {
  Keys k;
  for (const PatientIdentifier& id : r.identifiers) {
    if (!id.system.empty() && !id.value.empty()) {
      k.identifiers.emplace_back(hashOf(id.system), hashOf(id.system + '\x1f' + id.value));
    }
  }
  // A masked part of a name (●田, Y.T) says nothing: it is left out, and the record is never
  // linked without a person.
  auto unmasked = [&k](const std::string& name) {
    if (!looksMasked(name)) return name;
    k.masked = true;
    return std::string();
  };
  k.familyKana = kanaKey(unmasked(r.familyKana));
  k.givenKana = kanaKey(unmasked(r.givenKana));
  k.familyKanji = kanjiKey(unmasked(r.familyName));
  k.givenKanji = kanjiKey(unmasked(r.givenName));
  k.birthDate = r.birthDate.size() >= 10 ? r.birthDate.substr(0, 10) : std::string();
  k.sex = normalizedSex(r.sex);
  k.postal = digitsKey(r.postalCode);
  if (k.postal.size() != 7) k.postal.clear();
  k.municipality = kanjiKey(r.municipality);
  k.phone = digitsKey(r.phone);
  if (k.phone.size() < 9) k.phone.clear();
  return k;
}

bool birthTypo(const std::string& a, const std::string& b) {
  int differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  if (differing == 1) return true;
  // YYYY-MM-DD with month and day swapped.
  return a.substr(0, 4) == b.substr(0, 4) && a.substr(5, 2) == b.substr(8, 2) &&
         a.substr(8, 2) == b.substr(5, 2);
}

/// Adds `weight` and, when asked, the reason ("<what> <how>").
struct Tally {
  double score = 0;
  std::vector<std::string>* reasons = nullptr;
  void add(double weight, const char* what, const char* how = "") {
    score += weight;
    if (reasons) reasons->push_back(*how ? std::string(what) + " " + how : std::string(what));
  }
};

void compareName(const std::string& a, const std::string& b, const std::string& kanjiA,
                 const std::string& kanjiB, double equal, double close, double differs,
                 const char* what, Tally& t) {
  if (!a.empty() && !b.empty()) {
    const int distance = a == b ? 0 : editDistance(codePoints(a), codePoints(b), 1);
    if (distance == 0) {
      t.add(equal, what, "kana equal");
      if (!kanjiA.empty() && kanjiA == kanjiB) t.add(kKanjiAlsoEqual, what, "kanji equal");
    } else if (distance == 1) {
      t.add(close, what, "kana nearly equal");
    } else {
      t.add(differs, what, "kana differs");
    }
  } else if (!kanjiA.empty() && !kanjiB.empty()) {
    if (kanjiA == kanjiB) {
      t.add(equal - 1, what, "kanji equal");
    } else {
      t.add(differs, what, "kanji differs");
    }
  }
}

double score(const Keys& q, const Keys& e, std::vector<std::string>* reasons) {
  Tally t{0, reasons};
  for (const auto& [system, value] : q.identifiers) {
    for (const auto& [otherSystem, otherValue] : e.identifiers) {
      if (system != otherSystem) continue;
      if (value == otherValue) {
        t.add(kIdentifierEqual, "identifier equal");
      } else {
        t.add(kIdentifierDiffers, "identifier of the same system differs");
      }
    }
  }
  if (!q.birthDate.empty() && !e.birthDate.empty()) {
    if (q.birthDate == e.birthDate) {
      t.add(kBirthEqual, "birth date equal");
    } else if (birthTypo(q.birthDate, e.birthDate)) {
      t.add(kBirthTypo, "birth date one typo apart");
    } else {
      t.add(kBirthDiffers, "birth date differs");
    }
  }
  if (!q.sex.empty() && !e.sex.empty()) {
    t.add(q.sex == e.sex ? kSexEqual : kSexDiffers, q.sex == e.sex ? "sex equal" : "sex differs");
  }
  compareName(q.familyKana, e.familyKana, q.familyKanji, e.familyKanji, kFamilyEqual,
              kFamilyClose, kFamilyDiffers, "family name", t);
  compareName(q.givenKana, e.givenKana, q.givenKanji, e.givenKanji, kGivenEqual, kGivenClose,
              kGivenDiffers, "given name", t);
  if (!q.phone.empty() && q.phone == e.phone) t.add(kPhoneEqual, "phone equal");
  if (!q.postal.empty() && !e.postal.empty()) {
    t.add(q.postal == e.postal ? kPostalEqual : kPostalDiffers,
          q.postal == e.postal ? "postal code equal" : "postal code differs");
  } else if (!q.municipality.empty() && !e.municipality.empty()) {
    t.add(q.municipality == e.municipality ? kMunicipalityEqual : kMunicipalityDiffers,
          q.municipality == e.municipality ? "municipality equal" : "municipality differs");
  }
  return t.score;
}

uint64_t blockKey(char kind, const std::string& a, const std::string& b = {}) {
  return hashOf(std::string(1, kind) + a + '\x1e' + b);
}

/// The blocks a record is found by: each identifier, the birth date, the full kana name, the phone.
std::vector<uint64_t> blocksOf(const Keys& k) {
  std::vector<uint64_t> out;
  for (const auto& identifier : k.identifiers) out.push_back(identifier.second);
  if (!k.birthDate.empty()) out.push_back(blockKey('b', k.birthDate));
  if (!k.familyKana.empty() && !k.givenKana.empty()) {
    out.push_back(blockKey('n', k.familyKana, k.givenKana));
  }
  if (!k.phone.empty()) out.push_back(blockKey('p', k.phone));
  return out;
}

}  // namespace

const char* toString(MatchDecision decision) {
  switch (decision) {
    case MatchDecision::Link: return "link";
    case MatchDecision::Review: return "review";
    case MatchDecision::New: return "new";
  }
  return "new";
}

struct PatientIndex::Impl {
  struct Entry {
    std::string id;
    Keys keys;
    bool live = true;
  };
  MatchThresholds thresholds;
  std::deque<Entry> entries;  ///< slots; a removed patient's slot stays, marked not live
  std::unordered_map<std::string, uint32_t> byId;
  std::vector<uint32_t> freeSlots;  ///< slots of removed patients, reused by the next upsert
  BlockPostings blocks;
};

PatientIndex::PatientIndex(MatchThresholds thresholds) : impl_(std::make_unique<Impl>()) {
  impl_->thresholds = thresholds;
}
PatientIndex::~PatientIndex() = default;
PatientIndex::PatientIndex(PatientIndex&&) noexcept = default;
PatientIndex& PatientIndex::operator=(PatientIndex&&) noexcept = default;

void PatientIndex::upsert(const std::string& patientId, const PatientRecord& record) {
  remove(patientId);
  uint32_t slot;
  if (!impl_->freeSlots.empty()) {
    slot = impl_->freeSlots.back();
    impl_->freeSlots.pop_back();
    impl_->entries[slot] = {patientId, keysOf(record), true};
  } else {
    slot = static_cast<uint32_t>(impl_->entries.size());
    impl_->entries.push_back({patientId, keysOf(record), true});
  }
  impl_->byId[patientId] = slot;
  for (uint64_t block : blocksOf(impl_->entries[slot].keys)) impl_->blocks.add(block, slot);
}

void PatientIndex::remove(const std::string& patientId) {
  auto it = impl_->byId.find(patientId);
  if (it == impl_->byId.end()) return;
  Impl::Entry& entry = impl_->entries[it->second];
  entry.live = false;
  for (uint64_t block : blocksOf(entry.keys)) impl_->blocks.remove(block, it->second);
  entry = Impl::Entry{};
  entry.live = false;
  impl_->freeSlots.push_back(it->second);
  impl_->byId.erase(it);
}

std::size_t PatientIndex::size() const { return impl_->byId.size(); }

MatchResult PatientIndex::match(const PatientRecord& record, std::string_view excluding) const {
  const Keys query = keysOf(record);
  std::vector<uint32_t> candidates;
  for (uint64_t block : blocksOf(query)) {
    impl_->blocks.each(block, [&](uint32_t slot) { candidates.push_back(slot); });
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<std::pair<double, uint32_t>> scored;
  for (uint32_t slot : candidates) {
    const Impl::Entry& entry = impl_->entries[slot];
    if (!entry.live || (!excluding.empty() && entry.id == excluding)) continue;
    const double s = score(query, entry.keys, nullptr);
    if (s >= impl_->thresholds.review) scored.emplace_back(s, slot);
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  MatchResult result;
  for (std::size_t i = 0; i < scored.size() && i < 5; ++i) {
    const Impl::Entry& entry = impl_->entries[scored[i].second];
    MatchCandidate c{entry.id, scored[i].first, {}};
    score(query, entry.keys, &c.reasons);
    result.candidates.push_back(std::move(c));
  }
  if (scored.empty()) return result;
  const double best = scored[0].first;
  const double second = scored.size() > 1 ? scored[1].first : -1e9;
  if (best >= impl_->thresholds.autoLink && best - second >= impl_->thresholds.margin && !query.masked) {
    result.decision = MatchDecision::Link;
  } else {
    result.decision = MatchDecision::Review;
  }
  return result;
}

}  // namespace renkei::matching

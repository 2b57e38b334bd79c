// Patient matching: normalized keys (half-width カナ, hiragana, ヴ/ブ, small kana, variant kanji,
// masked names), decisions on hand-made cases (identifiers, twins, married names, masked faxes),
// and precision/recall floors on a generated population with realistic variation.
#include <gtest/gtest.h>

#include <map>

#include "renkei/matching/match_keys.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/matching/patient_index.h"
#include "support/patient_population.h"

namespace renkei::matching {
namespace {

TEST(MatchKeys, KanaWrittenByTwoSystemsGivesOneKey) {
  EXPECT_EQ(kanaKey("ﾔﾏﾀﾞ ﾀﾛｳ"), kanaKey("やまだたろう"));
  EXPECT_EQ(kanaKey("ヤマダ　タロウ"), kanaKey("やまだ・たろう"));
  EXPECT_EQ(kanaKey("ヴィオラ"), kanaKey("ぶぃおら"));
  EXPECT_EQ(kanaKey("キョウコ"), kanaKey("きようこ")) << "small kana folded";
  EXPECT_EQ(kanaKey("ユーコ"), kanaKey("ユウコ")) << "a long-vowel mark after katakana is its vowel";
  EXPECT_EQ(kanaKey("タロウ"), "たろう");
  EXPECT_EQ(kanaKey("山田"), "") << "no kana at all";
}

TEST(MatchKeys, VariantKanjiFoldToTheCommonForm) {
  EXPECT_EQ(kanjiKey("髙橋"), kanjiKey("高橋"));
  EXPECT_EQ(kanjiKey("山﨑"), kanjiKey("山崎"));
  EXPECT_EQ(kanjiKey("渡邊"), kanjiKey("渡辺"));
  EXPECT_EQ(kanjiKey("渡邉 "), kanjiKey("渡辺"));
  EXPECT_NE(kanjiKey("斎藤"), kanjiKey("斉藤")) << "different names, not variants";
}

TEST(MatchKeys, DigitsAndMasks) {
  EXPECT_EQ(digitsKey("〒１６２－０００１"), "1620001");
  EXPECT_EQ(digitsKey("03-1234-5678"), "0312345678");
  EXPECT_TRUE(looksMasked("●京●郎"));
  EXPECT_TRUE(looksMasked("Y.T"));
  EXPECT_TRUE(looksMasked("Ｙ・Ｔ"));
  EXPECT_FALSE(looksMasked("山田"));
  EXPECT_FALSE(looksMasked("Smith"));
}

TEST(PatientFromFhir, JpCorePatientGivesKanjiKanaAndTheRest) {
  rapidjson::Document d;
  d.Parse(R"({"resourceType": "Patient",
    "identifier": [{"system": "urn:oid:1.2.392.100495.20.3.51.11312345678", "value": "00001234"}],
    "name": [
      {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation",
                      "valueCode": "IDE"}], "family": "山田", "given": ["太郎"]},
      {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation",
                      "valueCode": "SYL"}], "family": "ヤマダ", "given": ["タロウ"]}],
    "telecom": [{"system": "email", "value": "a@example.jp"}, {"system": "phone", "value": "03-1234-5678"}],
    "gender": "male", "birthDate": "1940-04-01",
    "address": [{"postalCode": "162-0001", "city": "新宿区", "state": "東京都"}]})");
  const PatientRecord r = patientRecordFromFhir(d);
  ASSERT_EQ(r.identifiers.size(), 1u);
  EXPECT_EQ(r.identifiers[0].value, "00001234");
  EXPECT_EQ(r.familyName, "山田");
  EXPECT_EQ(r.givenKana, "タロウ");
  EXPECT_EQ(r.phone, "03-1234-5678");
  EXPECT_EQ(r.postalCode, "162-0001");
  EXPECT_EQ(r.municipality, "新宿区");
  EXPECT_EQ(r.sex, "male");
  EXPECT_EQ(r.birthDate, "1940-04-01");
}

TEST(PatientFromFhir, NamesWithoutTheExtensionAreToldApartByScript) {
  rapidjson::Document d;
  d.Parse(R"({"resourceType": "Patient", "name": [{"family": "ﾔﾏﾀﾞ", "given": ["ﾀﾛｳ"]},
                                                  {"family": "山田", "given": ["太郎"]}]})");
  const PatientRecord r = patientRecordFromFhir(d);
  EXPECT_EQ(r.familyKana, "ﾔﾏﾀﾞ");
  EXPECT_EQ(r.familyName, "山田");
  EXPECT_EQ(r.givenName, "太郎");
}

PatientRecord taro() {
  PatientRecord r;
  r.identifiers = {{"urn:oid:1.2.392.100495.20.3.51.11312345678", "00001234"}};
  r.familyName = "山田";
  r.givenName = "太郎";
  r.familyKana = "ヤマダ";
  r.givenKana = "タロウ";
  r.birthDate = "1940-04-01";
  r.sex = "male";
  r.postalCode = "162-0001";
  r.municipality = "131041";
  r.phone = "03-1234-5678";
  return r;
}

TEST(PatientIndex, TheSameInstitutionIdLinksWhateverTheSpelling) {
  PatientIndex index;
  index.upsert("p1", taro());
  PatientRecord q;
  q.identifiers = taro().identifiers;
  q.familyKana = "ﾔﾏﾀﾞ";
  q.givenKana = "ﾀﾛｳ";
  q.birthDate = "1940-04-01";
  const MatchResult r = index.match(q);
  ASSERT_EQ(r.decision, MatchDecision::Link);
  EXPECT_EQ(r.candidates[0].patientId, "p1");
}

TEST(PatientIndex, DemographicsAloneLinkWhenEverythingAgrees) {
  PatientIndex index;
  index.upsert("p1", taro());
  PatientRecord q = taro();
  q.identifiers.clear();
  q.familyKana = "やまだ";
  q.phone.clear();
  const MatchResult r = index.match(q);
  ASSERT_EQ(r.decision, MatchDecision::Link) << r.candidates.size();
  EXPECT_EQ(r.candidates[0].patientId, "p1");
  EXPECT_NE(std::find(r.candidates[0].reasons.begin(), r.candidates[0].reasons.end(), "birth date equal"),
            r.candidates[0].reasons.end());
}

TEST(PatientIndex, ATwinIsNeverLinkedToItsSibling) {
  PatientIndex index;
  index.upsert("p1", taro());
  PatientRecord twin = taro();
  twin.identifiers.clear();
  twin.givenName = "次郎";
  twin.givenKana = "ジロウ";
  EXPECT_NE(index.match(twin).decision, MatchDecision::Link);
}

TEST(PatientIndex, AMaskedFaxNameWaitsForAPerson) {
  PatientIndex index;
  index.upsert("p1", taro());
  PatientRecord q = taro();
  q.identifiers.clear();
  q.familyName = "●田";
  q.givenName = "●郎";
  q.familyKana.clear();
  q.givenKana.clear();
  const MatchResult r = index.match(q);
  EXPECT_EQ(r.decision, MatchDecision::Review) << "candidates shown, never linked alone";
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_EQ(r.candidates[0].patientId, "p1");
}

TEST(PatientIndex, TwoEqualCandidatesGoToReview) {
  PatientIndex index;
  PatientRecord a = taro();
  a.identifiers.clear();
  index.upsert("p1", a);
  index.upsert("p2", a);  // a duplicate registration
  EXPECT_EQ(index.match(a).decision, MatchDecision::Review);
}

TEST(PatientIndex, RemovedAndReplacedPatientsAreForgotten) {
  PatientIndex index;
  index.upsert("p1", taro());
  index.remove("p1");
  EXPECT_EQ(index.match(taro()).decision, MatchDecision::New);
  EXPECT_EQ(index.size(), 0u);
  PatientRecord moved = taro();
  index.upsert("p1", moved);
  moved.birthDate = "1941-05-02";
  index.upsert("p1", moved);
  EXPECT_EQ(index.size(), 1u);
  PatientRecord old = taro();
  old.identifiers.clear();
  EXPECT_NE(index.match(old).decision, MatchDecision::Link) << "the old birth date is gone";
}

TEST(PatientIndex, ManyUpsertsAndRemovalsKeepEveryPatientFindable) {
  test::PatientPopulation population(7);
  const auto known = population.known(5000);
  PatientIndex index;
  for (const auto& k : known) index.upsert(k.id, k.record);
  for (std::size_t i = 0; i < known.size(); i += 2) index.remove(known[i].id);
  for (std::size_t i = 0; i < known.size(); i += 4) index.upsert(known[i].id, known[i].record);
  EXPECT_EQ(index.size(), 3750u);
  for (std::size_t i = 0; i < known.size(); ++i) {
    const MatchResult r = index.match(known[i].record);
    const bool present = i % 2 == 1 || i % 4 == 0;
    bool found = false;
    for (const MatchCandidate& c : r.candidates) found |= c.patientId == known[i].id;
    ASSERT_EQ(found, present) << known[i].id;
  }
}

// The floors on 20,000 known patients and 6,000 queries. Measured figures (and the same at
// 1,000,000 known) are in docs/performance.md; bench/matching prints them.
TEST(PatientMatchingPopulation, PrecisionAndRecallHoldTheirFloors) {
  test::PatientPopulation population(20261205);
  const auto known = population.known(20000);
  PatientIndex index;
  for (const auto& k : known) index.upsert(k.id, k.record);
  std::map<std::string, int> kinds, linked, wrong, reviewedWithTruth, linkedStrangers;
  int withTruth = 0, links = 0, correct = 0, found = 0;
  for (const test::MatchCase& c : population.queries(known, 6000)) {
    const MatchResult r = index.match(c.query);
    ++kinds[c.kind];
    const bool isLink = r.decision == MatchDecision::Link;
    links += isLink;
    if (c.truthId.empty()) {
      linkedStrangers[c.kind] += isLink;
      continue;
    }
    ++withTruth;
    if (isLink && r.candidates[0].patientId == c.truthId) {
      ++correct;
      ++linked[c.kind];
    } else if (isLink) {
      ++wrong[c.kind];
    }
    for (const MatchCandidate& m : r.candidates) found += m.patientId == c.truthId;
  }
  const double precision = links == 0 ? 0 : static_cast<double>(correct) / links;
  const double recall = static_cast<double>(correct) / withTruth;
  const double candidateRecall = static_cast<double>(found) / withTruth;
  RecordProperty("precision", std::to_string(precision));
  RecordProperty("recall", std::to_string(recall));
  std::printf("matching: %d queries with a known patient; precision %.4f, auto-link recall %.4f, "
              "truth among candidates %.4f; wrong links %d; strangers linked %d, twins linked %d\n",
              withTruth, precision, recall, candidateRecall, wrong["variant"] + wrong["masked"],
              linkedStrangers["new"], linkedStrangers["twin"]);
  EXPECT_GE(precision, 0.998);
  EXPECT_GE(recall, 0.85);
  EXPECT_GE(candidateRecall, 0.97);
  EXPECT_EQ(linked["masked"], 0) << "a masked name is never linked without a person";
  EXPECT_EQ(linkedStrangers["twin"], 0);
  EXPECT_LE(linkedStrangers["new"], kinds["new"] / 500);
}

}  // namespace
}  // namespace renkei::matching

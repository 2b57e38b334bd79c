// The generated population (see patient_population.h).
#include "support/patient_population.h"

#include <array>
#include <cstdio>
#include <memory>

#include <unicode/translit.h>
#include <unicode/unistr.h>

namespace renkei::test {
namespace {

struct Name {
  const char* kanji;
  const char* kana;
};

constexpr std::array<Name, 48> kFamily = {{
    {"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"},
    {"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"}, {"加藤", "カトウ"},
    {"吉田", "ヨシダ"}, {"山田", "ヤマダ"}, {"佐々木", "ササキ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"},
    {"井上", "イノウエ"}, {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
    {"山崎", "ヤマザキ"}, {"森", "モリ"}, {"池田", "イケダ"}, {"橋本", "ハシモト"}, {"阿部", "アベ"},
    {"石川", "イシカワ"}, {"山下", "ヤマシタ"}, {"中島", "ナカジマ"}, {"石井", "イシイ"}, {"小川", "オガワ"},
    {"前田", "マエダ"}, {"岡田", "オカダ"}, {"長谷川", "ハセガワ"}, {"藤田", "フジタ"}, {"後藤", "ゴトウ"},
    {"近藤", "コンドウ"}, {"村上", "ムラカミ"}, {"遠藤", "エンドウ"}, {"青木", "アオキ"}, {"坂本", "サカモト"},
    {"宮崎", "ミヤザキ"}, {"長尾", "ナガオ"}, {"野口", "ノグチ"}, {"松田", "マツダ"}, {"菊地", "キクチ"},
    {"大澤", "オオサワ"}, {"服部", "ハットリ"}, {"千葉", "チバ"},
}};
constexpr std::array<Name, 30> kMale = {{
    {"太郎", "タロウ"}, {"一郎", "イチロウ"}, {"健一", "ケンイチ"}, {"茂", "シゲル"}, {"博", "ヒロシ"},
    {"清", "キヨシ"}, {"勇", "イサム"}, {"実", "ミノル"}, {"進", "ススム"}, {"正雄", "マサオ"},
    {"武", "タケシ"}, {"昭", "アキラ"}, {"和夫", "カズオ"}, {"幸雄", "ユキオ"}, {"三郎", "サブロウ"},
    {"義男", "ヨシオ"}, {"隆", "タカシ"}, {"弘", "ヒロシ"}, {"修", "オサム"}, {"豊", "ユタカ"},
    {"秀夫", "ヒデオ"}, {"明", "アキラ"}, {"勝", "マサル"}, {"剛", "ツヨシ"}, {"保", "タモツ"},
    {"徹", "トオル"}, {"稔", "ミノル"}, {"晃", "コウ"}, {"治", "オサム"}, {"ヴィクトル", "ヴィクトル"},
}};
constexpr std::array<Name, 30> kFemale = {{
    {"花子", "ハナコ"}, {"幸子", "サチコ"}, {"和子", "カズコ"}, {"節子", "セツコ"}, {"洋子", "ヨウコ"},
    {"京子", "キョウコ"}, {"恵子", "ケイコ"}, {"久子", "ヒサコ"}, {"典子", "ノリコ"}, {"美智子", "ミチコ"},
    {"光子", "ミツコ"}, {"信子", "ノブコ"}, {"文子", "フミコ"}, {"良子", "ヨシコ"}, {"悦子", "エツコ"},
    {"千代", "チヨ"}, {"トシ", "トシ"}, {"ハル", "ハル"}, {"静江", "シズエ"}, {"正子", "マサコ"},
    {"清子", "キヨコ"}, {"貞子", "サダコ"}, {"富子", "トミコ"}, {"敏子", "トシコ"}, {"弘子", "ヒロコ"},
    {"由紀子", "ユキコ"}, {"智子", "トモコ"}, {"八重", "ヤエ"}, {"澄子", "スミコ"}, {"ヴィオラ", "ヴィオラ"},
}};
// Parts of composed names, for a population far larger than the common names alone allow.
constexpr std::array<Name, 30> kFamilyStart = {{
    {"山", "ヤマ"}, {"中", "ナカ"}, {"小", "コ"}, {"大", "オオ"}, {"石", "イシ"}, {"松", "マツ"},
    {"高", "タカ"}, {"藤", "フジ"}, {"川", "カワ"}, {"森", "モリ"}, {"岡", "オカ"}, {"長", "ナガ"},
    {"野", "ノ"}, {"原", "ハラ"}, {"西", "ニシ"}, {"北", "キタ"}, {"東", "ヒガシ"}, {"南", "ミナミ"},
    {"今", "イマ"}, {"宮", "ミヤ"}, {"桜", "サクラ"}, {"竹", "タケ"}, {"梅", "ウメ"}, {"浜", "ハマ"},
    {"沢", "サワ"}, {"島", "シマ"}, {"荒", "アラ"}, {"古", "フル"}, {"新", "ニイ"}, {"辺", "ヘン"},
}};
constexpr std::array<Name, 20> kFamilyEnd = {{
    {"田", "タ"}, {"本", "モト"}, {"村", "ムラ"}, {"川", "カワ"}, {"井", "イ"}, {"野", "ノ"},
    {"口", "グチ"}, {"島", "シマ"}, {"崎", "サキ"}, {"木", "キ"}, {"谷", "タニ"}, {"沢", "サワ"},
    {"原", "ハラ"}, {"岡", "オカ"}, {"山", "ヤマ"}, {"内", "ウチ"}, {"下", "シタ"}, {"上", "カミ"},
    {"部", "ベ"}, {"橋", "ハシ"},
}};
constexpr std::array<Name, 20> kGivenStart = {{
    {"正", "マサ"}, {"和", "カズ"}, {"義", "ヨシ"}, {"秀", "ヒデ"}, {"幸", "ユキ"}, {"信", "ノブ"},
    {"健", "ケン"}, {"孝", "タカ"}, {"光", "ミツ"}, {"勝", "カツ"}, {"清", "キヨ"}, {"俊", "トシ"},
    {"昭", "アキ"}, {"春", "ハル"}, {"富", "トミ"}, {"重", "シゲ"}, {"忠", "タダ"}, {"国", "クニ"},
    {"文", "フミ"}, {"達", "タツ"},
}};
constexpr std::array<Name, 10> kMaleEnd = {{
    {"雄", "オ"}, {"一", "イチ"}, {"次", "ジ"}, {"彦", "ヒコ"}, {"蔵", "ゾウ"}, {"吉", "キチ"},
    {"平", "ヘイ"}, {"介", "スケ"}, {"太", "タ"}, {"人", "ト"},
}};
constexpr std::array<Name, 8> kFemaleEnd = {{
    {"子", "コ"}, {"江", "エ"}, {"代", "ヨ"}, {"枝", "エダ"}, {"美", "ミ"}, {"乃", "ノ"},
    {"世", "セ"}, {"恵", "エ"},
}};
/// (団体コード, postal code prefix) of a few wards and cities.
constexpr std::array<std::pair<const char*, const char*>, 8> kPlaces = {{
    {"131041", "160"}, {"131172", "114"}, {"131121", "154"}, {"131067", "110"},
    {"131181", "116"}, {"132012", "192"}, {"131148", "164"}, {"132063", "183"},
}};

constexpr const char* kHospitalA = "urn:oid:1.2.392.100495.20.3.51.11312345678";
constexpr const char* kHospitalB = "urn:oid:1.2.392.100495.20.3.51.11318765432";
constexpr const char* kCareInsurance = "urn:oid:1.2.392.100495.20.3.61";

std::string transliterate(const char* id, const std::string& text) {
  thread_local std::unique_ptr<icu::Transliterator> halfwidth, hiragana;
  std::unique_ptr<icu::Transliterator>& t = std::string(id) == "Fullwidth-Halfwidth" ? halfwidth : hiragana;
  if (!t) {
    UErrorCode status = U_ZERO_ERROR;
    t.reset(icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
  }
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(text);
  t->transliterate(s);
  std::string out;
  s.toUTF8String(out);
  return out;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

int PatientPopulation::pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }
bool PatientPopulation::chance(double p) { return std::uniform_real_distribution<double>(0, 1)(random_) < p; }

matching::PatientRecord PatientPopulation::person(const std::string& sex) {
  matching::PatientRecord r;
  auto one = [&](const auto& list) { return list[static_cast<std::size_t>(pick(static_cast<int>(list.size())))]; };
  auto join = [&](const Name& a, const Name& b, std::string& kanji, std::string& kana) {
    kanji = std::string(a.kanji) + b.kanji;
    kana = std::string(a.kana) + b.kana;
  };
  if (chance(0.5)) {  // the common names
    const Name family = one(kFamily);
    const Name given = sex == "male" ? one(kMale) : one(kFemale);
    r.familyName = family.kanji;
    r.familyKana = family.kana;
    r.givenName = given.kanji;
    r.givenKana = given.kana;
  } else {
    join(one(kFamilyStart), one(kFamilyEnd), r.familyName, r.familyKana);
    join(one(kGivenStart), sex == "male" ? one(kMaleEnd) : one(kFemaleEnd), r.givenName, r.givenKana);
  }
  r.sex = sex;
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", 1925 + pick(36), 1 + pick(12), 1 + pick(28));
  r.birthDate = date;
  const auto& place = kPlaces[static_cast<std::size_t>(pick(kPlaces.size()))];
  r.municipality = place.first;
  char postal[16];
  std::snprintf(postal, sizeof postal, "%s-%04d", place.second, pick(10000));
  r.postalCode = postal;
  char phone[24];
  std::snprintf(phone, sizeof phone, "03-%04d-%04d", pick(10000), pick(10000));
  if (chance(0.85)) r.phone = phone;
  char id[24];
  std::snprintf(id, sizeof id, "%08llu", static_cast<unsigned long long>(++serial_));
  r.identifiers.push_back({kHospitalA, id});
  std::snprintf(id, sizeof id, "H%09llu", static_cast<unsigned long long>(serial_ * 7919 % 1000000007));
  if (chance(0.7)) r.identifiers.push_back({kCareInsurance, id});
  return r;
}

matching::PatientRecord PatientPopulation::variantOf(const matching::PatientRecord& r, bool masked) {
  matching::PatientRecord v = r;
  v.identifiers.clear();
  // Another source: its own id for the patient, and the care-insurance number sometimes.
  char id[24];
  std::snprintf(id, sizeof id, "B%07llu", static_cast<unsigned long long>(++serial_));
  v.identifiers.push_back({kHospitalB, id});
  for (const auto& i : r.identifiers) {
    if (i.system == kCareInsurance && chance(0.4)) v.identifiers.push_back(i);
  }
  switch (pick(4)) {
    case 0:
      v.familyKana = transliterate("Fullwidth-Halfwidth", v.familyKana);
      v.givenKana = transliterate("Fullwidth-Halfwidth", v.givenKana);
      break;
    case 1:
      v.familyKana = transliterate("Katakana-Hiragana", v.familyKana);
      v.givenKana = transliterate("Katakana-Hiragana", v.givenKana);
      break;
    case 2:
      v.familyKana = " " + v.familyKana + "　";
      break;
    default:
      break;
  }
  replaceAll(v.givenKana, "ヴィ", "ビ");
  if (chance(0.5)) {
    replaceAll(v.familyName, "高", "髙");
    replaceAll(v.familyName, "崎", "﨑");
    replaceAll(v.familyName, "辺", "邊");
    replaceAll(v.familyName, "斎", "齋");
    replaceAll(v.familyName, "沢", "澤");
  }
  if (v.sex == "female" && chance(0.1)) {  // married since: a new family name
    const Name& family = kFamily[static_cast<std::size_t>(pick(kFamily.size()))];
    v.familyName = family.kanji;
    v.familyKana = family.kana;
  }
  if (chance(0.3)) v.phone.clear();
  if (!v.phone.empty() && chance(0.05)) v.phone = "090-1111-" + std::to_string(1000 + pick(9000));
  if (chance(0.2)) v.postalCode.clear();
  if (chance(0.02)) v.birthDate[9] = v.birthDate[9] == '1' ? '2' : '1';
  if (masked) {
    v.familyName = "●" + std::string("田");
    v.givenName = "●郎";
    v.familyKana.clear();
    v.givenKana.clear();
  }
  return v;
}

std::vector<KnownPatient> PatientPopulation::known(std::size_t n) {
  std::vector<KnownPatient> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back({"P" + std::to_string(i + 1), person(chance(0.55) ? "female" : "male")});
  }
  return out;
}

std::vector<MatchCase> PatientPopulation::queries(const std::vector<KnownPatient>& known, std::size_t n) {
  std::vector<MatchCase> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int kind = pick(100);
    const KnownPatient& k = known[static_cast<std::size_t>(pick(static_cast<int>(known.size())))];
    if (kind < 60) {
      const bool masked = chance(0.03);
      out.push_back({variantOf(k.record, masked), k.id, masked ? "masked" : "variant"});
    } else if (kind < 90) {
      // Someone the index does not know, sent by the other hospital.
      matching::PatientRecord stranger = person(chance(0.55) ? "female" : "male");
      stranger.identifiers = {{kHospitalB, "N" + std::to_string(++serial_)}};
      out.push_back({stranger, "", "new"});
    } else {
      // A twin: the same family, birth date, address and phone; another given name.
      matching::PatientRecord twin = k.record;
      const std::string sex = chance(0.5) ? k.record.sex : (k.record.sex == "male" ? "female" : "male");
      const matching::PatientRecord other = person(sex);
      twin.sex = sex;
      twin.givenName = other.givenName;
      twin.givenKana = other.givenKana;
      twin.identifiers.clear();
      if (twin.givenKana == k.record.givenKana) continue;  // the same name twice is not a twin
      out.push_back({twin, "", "twin"});
    }
  }
  return out;
}

}  // namespace renkei::test

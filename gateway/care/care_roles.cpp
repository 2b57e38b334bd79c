// The care-team role codes and the Japanese labels that name them (see care_roles.h).
#include "renkei/care/care_roles.h"

#include <algorithm>
#include <utility>

#include "renkei/pipeline/search_values.h"

namespace renkei::care {

const std::vector<CareRole>& careRoles() {
  static const std::vector<CareRole> roles = {
      {"family-doctor", "かかりつけ医"},    {"home-doctor", "在宅医"},
      {"attending-doctor", "主治医"},       {"care-manager", "介護支援専門員"},
      {"visiting-nurse", "訪問看護"},       {"pharmacy", "薬局"},
      {"dentist", "歯科医"},                {"hospital-liaison", "病院地域連携室"},
  };
  return roles;
}

const CareRole* careRoleByCode(std::string_view code) {
  for (const CareRole& r : careRoles()) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

const CareRole* careRoleFromText(std::string_view text) {
  // Labels as written on linkage sheets and in vendor systems, compared after normalizeName
  // (NFKC, katakana → hiragana, no spaces), so 'ｹｱﾏﾈｼﾞｬｰ' and 'ケアマネージャー' both match.
  static const std::vector<std::pair<std::string, std::string_view>> labels = [] {
    const std::vector<std::pair<std::string_view, std::string_view>> raw = {
        {"かかりつけ医", "family-doctor"},     {"かかりつけ医師", "family-doctor"},
        {"主治医(かかりつけ医)", "family-doctor"}, {"在宅医", "home-doctor"},
        {"訪問診療医", "home-doctor"},          {"在宅主治医", "home-doctor"},
        {"主治医", "attending-doctor"},        {"担当医", "attending-doctor"},
        {"介護支援専門員", "care-manager"},    {"ケアマネジャー", "care-manager"},
        {"ケアマネージャー", "care-manager"},  {"ケアマネ", "care-manager"},
        {"訪問看護", "visiting-nurse"},        {"訪問看護師", "visiting-nurse"},
        {"訪問看護ステーション", "visiting-nurse"}, {"薬局", "pharmacy"},
        {"かかりつけ薬局", "pharmacy"},        {"薬剤師", "pharmacy"},
        {"歯科医", "dentist"},                 {"歯科", "dentist"},
        {"かかりつけ歯科医", "dentist"},       {"地域連携室", "hospital-liaison"},
        {"病院地域連携室", "hospital-liaison"}, {"医療連携室", "hospital-liaison"},
    };
    std::vector<std::pair<std::string, std::string_view>> out;
    for (const auto& [label, code] : raw) out.emplace_back(pipeline::normalizeName(label), code);
    return out;
  }();
  const std::string key = pipeline::normalizeName(text);
  if (key.empty()) return nullptr;
  for (const auto& [label, code] : labels) {
    if (label == key) return careRoleByCode(code);
  }
  if (const CareRole* byCode = careRoleByCode(key)) return byCode;
  // A label with more words ("介護支援専門員（担当ケアマネジャー）", "訪問看護ステーション北"):
  // the longest known label it contains.
  std::string_view best, bestCode;
  for (const auto& [label, code] : labels) {
    if (label.size() > best.size() && key.find(label) != std::string::npos) {
      best = label;
      bestCode = code;
    }
  }
  return best.empty() ? nullptr : careRoleByCode(bestCode);
}

}  // namespace renkei::care

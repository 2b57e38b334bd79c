// The roles a member of a patient's care team plays (かかりつけ医, 在宅医, care manager …): one
// code system of Renkei's, and the Japanese words senders write instead of a code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace renkei::care {

inline constexpr std::string_view kCareRoleSystem = "https://fhir.renkei.jp/CodeSystem/care-team-role";

struct CareRole {
  std::string_view code;     ///< e.g. "family-doctor"
  std::string_view display;  ///< Japanese, e.g. "かかりつけ医"
};

/// Every role, in a stable order.
const std::vector<CareRole>& careRoles();
/// The role with this code, or nullptr.
const CareRole* careRoleByCode(std::string_view code);
/// The role a free-text label names (NFKC, spaces ignored): "かかりつけ医", "ケアマネジャー",
/// "介護支援専門員", "訪問看護ステーション" …, else the longest of those labels it contains
/// ("介護支援専門員（担当ケアマネジャー）"); or nullptr.
const CareRole* careRoleFromText(std::string_view text);

}  // namespace renkei::care

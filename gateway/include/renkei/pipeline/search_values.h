// The search parameters Renkei indexes for stored resources, and the Japanese name normalization
// both sides of a name search go through: NFKC (full/half width), katakana as hiragana, no
// spaces, lower case — so that ﾚﾝｹｲ, レンケイ and れんけい find each other.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace renkei::pipeline {

std::string normalizeName(std::string_view text);

/// (parameter, value) pairs for one resource: Patient identifier ("system|value" and
/// identifier:value), name (each part, family+given, text; normalized), birthdate, gender;
/// Encounter patient ("Patient/id"), date (period.start's date), class.
std::vector<std::pair<std::string, std::string>> searchValues(const rapidjson::Value& resource);

}  // namespace renkei::pipeline

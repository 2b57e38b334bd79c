// The Japanese text normalization both sides of a string search go through: NFKC (full/half
// width), katakana as hiragana, no spaces, lower case — so that ﾚﾝｹｲ, レンケイ and れんけい find
// each other. The parameters themselves are in search_parameters.h.
#pragma once

#include <string>
#include <string_view>

namespace renkei::pipeline {

std::string normalizeName(std::string_view text);

}  // namespace renkei::pipeline

// UTF-8 → CP932 (Windows-31J) for ward PCs, with the seven known JIS ↔ Microsoft equivalences
// (波ダッシュ and friends) and nothing else: a character with no CP932 form is an error naming it.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "renkei/core/status.h"

namespace renkei::adapters {

/// Japanese text often carries the JIS mapping's code points where CP932 has the Microsoft ones;
/// each pair is (as received, what CP932 holds). Only these are substituted.
inline constexpr std::array<std::pair<char32_t, char32_t>, 7> kCp932Equivalences = {{
    {U'\u301C', U'\uFF5E'},  // WAVE DASH → FULLWIDTH TILDE (〜 → ～)
    {U'\u2016', U'\u2225'},  // DOUBLE VERTICAL LINE → PARALLEL TO (‖ → ∥)
    {U'\u2212', U'\uFF0D'},  // MINUS SIGN → FULLWIDTH HYPHEN-MINUS (− → －)
    {U'\u00A2', U'\uFFE0'},  // CENT SIGN → FULLWIDTH CENT SIGN (¢ → ￠)
    {U'\u00A3', U'\uFFE1'},  // POUND SIGN → FULLWIDTH POUND SIGN (£ → ￡)
    {U'\u00AC', U'\uFFE2'},  // NOT SIGN → FULLWIDTH NOT SIGN (¬ → ￢)
    {U'\u2014', U'\u2015'},  // EM DASH → HORIZONTAL BAR (— → ―)
}};

/// UTF-8 → CP932 after the equivalences above; InvalidInput naming the first character it cannot
/// represent as U+XXXX (never a replacement character, never a lossy fallback).
Result<std::string> toCp932(std::string_view utf8);

}  // namespace renkei::adapters

// Normalized comparison keys for patient matching: the same name written by two systems (half-
// width カナ, hiragana, spaces, ヴ or ブ, small kana, 髙 or 高) gives the same key; originals are
// kept by the caller for display.
#pragma once

#include <string>
#include <string_view>

namespace renkei::matching {

/// NFKC, katakana → hiragana, small kana → large, ゔ → ぶ, ぢ/づ → じ/ず, を → お, long-vowel marks,
/// middle dots and spaces removed. Empty when the text has no kana at all.
std::string kanaKey(std::string_view kana);
/// NFKC, spaces removed, variant kanji folded to their common form (髙 → 高, 﨑 → 崎, 邊/邉 → 辺, …).
std::string kanjiKey(std::string_view name);
/// The digits of NFKC(text) (phone numbers, postal codes).
std::string digitsKey(std::string_view text);
/// A name a fax masked: ●/○/＊/* in it, or initials only (e.g. "Y.T", "Ｙ・Ｔ").
bool looksMasked(std::string_view name);
/// Edit distance in code points, stopping early above `limit` (returns limit + 1 then).
int editDistance(std::u32string_view a, std::u32string_view b, int limit);
std::u32string codePoints(std::string_view utf8);

}  // namespace renkei::matching

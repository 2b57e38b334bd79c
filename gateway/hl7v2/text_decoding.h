// The character sets HL7 v2 messages arrive in, decoded to UTF-8 through ICU.
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei::hl7v2 {

/// CP932 (Windows-31J: what "Shift_JIS" means in Japanese hospitals' files) → UTF-8; bytes it
/// cannot decode are an error giving their offset.
Result<std::string> decodeCp932(std::string_view bytes);

/// ISO-2022-JP (MSH-18 "ISO IR87") → UTF-8. The two-byte codes (ESC $ B, ESC $ @) are turned into
/// their Shift_JIS bytes and decoded as CP932, so the NEC extensions vendors write in them (①,
/// Ⅰ, ㈱ in row 13) decode instead of failing; ESC ( B / ESC ( J are ASCII / JIS-Roman, ESC ( I
/// half-width katakana. A malformed escape or a lone byte of a pair is an error.
Result<std::string> decodeIso2022Jp(std::string_view bytes);

}  // namespace renkei::hl7v2

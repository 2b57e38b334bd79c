// 和暦 (Japanese era) dates ↔ ISO dates, strict about era boundaries and impossible days.
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei::mapping {

/// 和暦 or Western date text → ISO "YYYY-MM-DD" (or "YYYY-MM" for a year-month). After NFKC (so
/// full-width digits and letters work) and without spaces it accepts: an era as kanji (令和 平成 昭和
/// 大正 明治) or letter (R H S T M, any case), the year as 1–2 digits or 元 (= 1), then 年 M 月 [D 日]
/// or M and D after '.', '/' or '-' (the same separator twice); or a Western year of 4 digits in
/// the same two shapes. Errors (InvalidInput, never quoting the text): an unreadable shape, era
/// year 0, an impossible month or day, a date outside its era ("平成 ended on 2019-04-30"), and
/// dates before 1873-01-01 in 明治 (the lunisolar calendar; 明治1年 = 1868).
Result<std::string> warekiToIso(std::string_view text);

/// ISO "YYYY-MM-DD" or "YYYY-MM" → 和暦: letters "R06.11.22" / "R06.11", or kanji "令和6年11月22日" /
/// "令和元年5月1日" / "令和6年11月". A year-month takes the era of its first day (1989-01 → 昭和64年1月).
/// Dates before 1873-01-01 are an error.
Result<std::string> isoToWareki(std::string_view isoDate, bool letters);

}  // namespace renkei::mapping

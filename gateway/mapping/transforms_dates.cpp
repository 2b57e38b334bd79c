// Date and time transforms: care-plan YYYYMMDD / YYYYMM / HHMM columns, HL7 v2 timestamps and
// 和暦 ↔ ISO dates.
#include <algorithm>

#include "calendar.h"
#include "icu_text.h"
#include "renkei/mapping/wareki.h"
#include "transform_functions.h"

namespace renkei::mapping::transform {
namespace {

/// `n` ASCII digits exactly, as a number; -1 otherwise.
int number(std::string_view s, std::size_t n) {
  if (s.size() != n) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

/// The value after NFKC with ASCII spaces removed at both ends.
Result<std::string> cleaned(std::string_view value) {
  auto n = text::nfkc(value);
  if (!n.ok()) return n.status();
  std::string s = std::move(n).value();
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return std::string();
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// The date part of an ISO date or dateTime ("2024-11-22", "2024-11-22T10:00:00+09:00").
std::string_view isoDatePart(std::string_view value) {
  const auto t = value.find('T');
  return t == std::string_view::npos ? value : value.substr(0, t);
}

/// The whole HL7 v2 DTM shape: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. "2020-04-01"
/// is not one (its '-' would read as a time zone).
bool isHl7DateTime(std::string_view v) {
  const std::size_t digits = std::min(v.find_first_not_of("0123456789"), v.size());
  if (digits < 4 || digits > 14 || digits % 2 != 0) return false;
  std::size_t at = digits;
  if (at < v.size() && v[at] == '.') {
    const std::size_t fraction = std::min(v.find_first_not_of("0123456789", at + 1), v.size()) - at - 1;
    if (digits != 14 || fraction < 1 || fraction > 4) return false;
    at += 1 + fraction;
  }
  if (at < v.size() && (v[at] == '+' || v[at] == '-')) {
    const std::string_view zone = v.substr(at + 1);
    return zone.size() == 4 && zone.find_first_not_of("0123456789") == std::string_view::npos;
  }
  return at == v.size();
}

}  // namespace

Result<std::string> warekiDate(std::string_view, std::string_view value, const TransformContext&) {
  return warekiToIso(value);
}

Result<std::string> yyyymmdd(std::string_view, std::string_view value, const TransformContext&) {
  auto s = cleaned(value);
  if (!s.ok()) return s.status();
  const std::string& v = s.value();
  if (v.empty() || v == "00000000") return std::string();
  const int y = number(v.substr(0, 4), 4), m = number(v.size() == 8 ? v.substr(4, 2) : "", 2),
            d = number(v.size() == 8 ? v.substr(6, 2) : "", 2);
  if (v.size() != 8 || y < 0 || m < 0 || d < 0) return Status::invalidInput("not a date in YYYYMMDD");
  if (!calendar::validDate(y, m, d)) return Status::invalidInput("not a real date (YYYYMMDD)");
  return v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2);
}

namespace {

/// The date of a cleaned HL7 v2 timestamp (see hl7_date).
Result<std::string> hl7DateOf(std::string_view v) {
  if (!isHl7DateTime(v)) return Status::invalidInput("not an HL7 v2 date (YYYY[MM[DD[HHMMSS]]])");
  v = v.substr(0, std::min<std::size_t>(v.find_first_not_of("0123456789"), 8));
  if (v.size() != 4 && v.size() != 6 && v.size() != 8) return Status::invalidInput("not an HL7 v2 date (YYYY[MM[DD[HHMMSS]]])");
  const int y = number(v.substr(0, 4), 4);
  const int m = v.size() >= 6 ? number(v.substr(4, 2), 2) : 1;
  const int d = v.size() == 8 ? number(v.substr(6, 2), 2) : 1;
  if (!calendar::validDate(y, m, d)) return Status::invalidInput("not a real date (HL7 v2 YYYY[MM[DD]])");
  std::string out(v.substr(0, 4));
  if (v.size() >= 6) out += "-" + std::string(v.substr(4, 2));
  if (v.size() == 8) out += "-" + std::string(v.substr(6, 2));
  return out;
}

}  // namespace

Result<std::string> hl7Date(std::string_view, std::string_view value, const TransformContext&) {
  auto s = cleaned(value);
  if (!s.ok()) return s.status();
  return hl7DateOf(s.value());
}

Result<std::string> hl7DateTime(std::string_view arg, std::string_view value, const TransformContext&) {
  auto s = cleaned(value);
  if (!s.ok()) return s.status();
  const std::string_view v = s.value();
  auto date = hl7DateOf(v);
  if (!date.ok()) return date;
  const std::size_t digits = std::min(v.find_first_not_of("0123456789"), v.size());
  if (digits <= 8) return date;  // no time: the date at its precision
  // A time needs a zone in FHIR: the message's, else the one the mapping names ("+09:00").
  std::string zone;
  if (const std::size_t sign = v.find_first_of("+-", digits); sign != std::string_view::npos) {
    zone = std::string(v.substr(sign, 3)) + ":" + std::string(v.substr(sign + 3, 2));
  } else if (arg.size() == 6 && (arg[0] == '+' || arg[0] == '-') && arg[3] == ':') {
    zone = std::string(arg);
  } else {
    return Status::invalidInput("a time without a zone, and hl7_datetime names none (hl7_datetime:+09:00)");
  }
  const int hour = number(v.substr(8, 2), 2);
  const int minute = digits >= 12 ? number(v.substr(10, 2), 2) : 0;
  const int second = digits >= 14 ? number(v.substr(12, 2), 2) : 0;
  const int zoneHours = number(zone.substr(1, 2), 2), zoneMinutes = number(zone.substr(4, 2), 2);
  if (hour > 23 || minute > 59 || second > 59 || zoneHours < 0 || zoneHours > 14 || zoneMinutes < 0 || zoneMinutes > 59) {
    return Status::invalidInput("not a real time (HL7 v2 HHMMSS, zone +/-ZZZZ)");
  }
  const auto two = [](int n) { return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)}; };
  std::string out = date.value() + "T" + two(hour) + ":" + two(minute) + ":" + two(second);
  if (digits == 14 && v.size() > 14 && v[14] == '.') {
    out += std::string(v.substr(14, std::min(v.find_first_not_of("0123456789", 15), v.size()) - 14));
  }
  return out + zone;
}

Result<std::string> yyyymm(std::string_view, std::string_view value, const TransformContext&) {
  auto s = cleaned(value);
  if (!s.ok()) return s.status();
  const std::string& v = s.value();
  if (v.empty() || v == "000000") return std::string();
  if (v.size() != 6 || number(v.substr(0, 4), 4) < 1 || number(v.substr(4, 2), 2) < 1 ||
      number(v.substr(4, 2), 2) > 12) {
    return Status::invalidInput("not a year-month in YYYYMM");
  }
  return v.substr(0, 4) + "-" + v.substr(4, 2);
}

Result<std::string> hhmm(std::string_view, std::string_view value, const TransformContext&) {
  auto s = cleaned(value);
  if (!s.ok()) return s.status();
  const std::string& v = s.value();
  if (v.empty() || v == "9999") return std::string();
  const int h = number(v.size() == 4 ? v.substr(0, 2) : "", 2), m = number(v.size() == 4 ? v.substr(2, 2) : "", 2);
  if (h < 0 || m < 0 || h > 23 || m > 59) return Status::invalidInput("not a time in HHMM (9999 for none)");
  return v.substr(0, 2) + ":" + v.substr(2, 2) + ":00";
}

Result<std::string> isoToHhmm(std::string_view, std::string_view value, const TransformContext&) {
  const int h = number(value.size() >= 5 ? value.substr(0, 2) : "", 2), m = number(value.size() >= 5 ? value.substr(3, 2) : "", 2);
  if (value.size() < 5 || value[2] != ':' || h < 0 || m < 0 || h > 23 || m > 59) {
    return Status::invalidInput("not a time (hh:mm[:ss])");
  }
  return std::string(value.substr(0, 2)) + std::string(value.substr(3, 2));
}

Result<std::string> isoToYyyymmdd(std::string_view, std::string_view value, const TransformContext&) {
  const std::string_view v = isoDatePart(value);
  const int y = number(v.substr(0, 4), 4), m = number(v.size() == 10 ? v.substr(5, 2) : "", 2),
            d = number(v.size() == 10 ? v.substr(8, 2) : "", 2);
  if (v.size() != 10 || v[4] != '-' || v[7] != '-' || !calendar::validDate(y, m, d)) {
    return Status::invalidInput("not an ISO date (YYYY-MM-DD)");
  }
  return std::string(v.substr(0, 4)) + std::string(v.substr(5, 2)) + std::string(v.substr(8, 2));
}

Result<std::string> isoToYyyymm(std::string_view, std::string_view value, const TransformContext&) {
  const std::string_view v = isoDatePart(value);
  const int y = number(v.substr(0, 4), 4), m = number(v.size() >= 7 ? v.substr(5, 2) : "", 2);
  const bool shape = (v.size() == 7 || (v.size() == 10 && v[7] == '-')) && v[4] == '-';
  if (!shape || y < 1 || m < 1 || m > 12) return Status::invalidInput("not an ISO date (YYYY-MM or YYYY-MM-DD)");
  return std::string(v.substr(0, 4)) + std::string(v.substr(5, 2));
}

Result<std::string> isoToWarekiText(std::string_view arg, std::string_view value, const TransformContext&) {
  if (arg != "" && arg != "kanji" && arg != "letters") {
    return Status::invalidInput("iso_to_wareki takes 'letters' or 'kanji'");
  }
  return isoToWareki(isoDatePart(value), arg == "letters");
}

}  // namespace renkei::mapping::transform

// FHIRPath's Date, DateTime and Time: partial precision (a year alone is a valid date) and an
// optional timezone offset, with the comparison, arithmetic and boundary rules of the
// specification.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace renkei::fhirpath {

enum class TemporalKind : uint8_t { Date, DateTime, Time };
enum class TemporalPrecision : uint8_t { Year, Month, Day, Hour, Minute, Second, Millisecond };

struct Temporal {
  TemporalKind kind = TemporalKind::Date;
  TemporalPrecision precision = TemporalPrecision::Year;
  bool hasTimezone = false;
  bool zulu = false;            ///< the offset was written as "Z"
  int16_t offsetMinutes = 0;    ///< timezone offset east of UTC
  int32_t year = 1;
  uint8_t month = 1, day = 1, hour = 0, minute = 0, second = 0;
  uint16_t millisecond = 0;

  /// Parses the lexical form without '@' (FHIR values and FHIRPath literals alike):
  /// "2015", "2015-02-04T14:34:28.123+10:00", "2015T" (DateTime), "14:34" (Time).
  static std::optional<Temporal> parse(std::string_view text, TemporalKind kind);
  /// The lexical form without '@' (a Time has no leading 'T').
  std::string toString() const;
  bool hasTime() const { return kind == TemporalKind::Time || precision >= TemporalPrecision::Hour; }
};

enum class Ordering : uint8_t {
  Less,
  Equal,
  Greater,
  Unknown,      ///< precisions or timezones leave the answer open (FHIRPath: empty)
  Incomparable  ///< a Time against a Date or DateTime
};

Ordering compare(const Temporal& a, const Temporal& b);
/// FHIRPath `~`: same precision and the same instant.
bool equivalent(const Temporal& a, const Temporal& b);

enum class DurationUnit : uint8_t { Year, Month, Week, Day, Hour, Minute, Second, Millisecond };

/// `t + amount unit`, keeping t's precision and timezone; nullopt when the unit does not apply
/// (a year added to a Time) or the result leaves years 1..9999.
std::optional<Temporal> addDuration(const Temporal& t, int64_t amount, DurationUnit unit);

/// Precision as a digit count (Date 4/6/8, DateTime 4..17, Time 2..9).
int precisionDigits(const Temporal& t);
/// The earliest / latest value t may stand for, at `digits` precision (see precisionDigits);
/// nullopt when `digits` is not a precision of t's kind.
std::optional<Temporal> lowBoundary(const Temporal& t, int digits);
std::optional<Temporal> highBoundary(const Temporal& t, int digits);

/// The current moment in the local timezone, at millisecond precision.
Temporal currentDateTime();

}  // namespace renkei::fhirpath

// Gregorian calendar facts shared by the date transforms and 和暦 conversion.
#pragma once

namespace renkei::mapping::calendar {

inline bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int daysInMonth(int y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leapYear(y) ? 29 : kDays[m - 1];
}

/// A real day of the proleptic Gregorian calendar, years 1–9999.
inline bool validDate(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

}  // namespace renkei::mapping::calendar

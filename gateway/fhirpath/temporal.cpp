// Partial-precision dates and times: parsing, printing, comparison and calendar arithmetic.
#include "renkei/fhirpath/temporal.h"

#include <chrono>
#include <ctime>

#include "renkei/core/civil_date.h"

namespace renkei::fhirpath {
namespace {

bool isLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

constexpr int64_t kMsPerDay = 86'400'000;

int64_t msOfDay(const Temporal& t) {
  return ((t.hour * 60 + t.minute) * 60 + t.second) * 1000LL + t.millisecond;
}

void setMsOfDay(Temporal& t, int64_t ms) {
  t.millisecond = static_cast<uint16_t>(ms % 1000);
  ms /= 1000;
  t.second = static_cast<uint8_t>(ms % 60);
  ms /= 60;
  t.minute = static_cast<uint8_t>(ms % 60);
  t.hour = static_cast<uint8_t>(ms / 60);
}

bool setEpochMs(Temporal& t, int64_t ms) {
  int64_t days = ms / kMsPerDay, rest = ms % kMsPerDay;
  if (rest < 0) {
    rest += kMsPerDay;
    --days;
  }
  int64_t y;
  int m, d;
  civilFromDays(days, y, m, d);
  if (y < 1 || y > 9999) return false;
  t.year = static_cast<int32_t>(y);
  t.month = static_cast<uint8_t>(m);
  t.day = static_cast<uint8_t>(d);
  setMsOfDay(t, rest);
  return true;
}

int64_t epochMs(const Temporal& t) {
  return daysFromCivil(t.year, t.month, t.day) * kMsPerDay + msOfDay(t);
}

/// Resets the fields finer than the precision to their defaults.
void clearBelowPrecision(Temporal& t) {
  using P = TemporalPrecision;
  if (t.kind != TemporalKind::Time) {
    if (t.precision < P::Month) t.month = 1;
    if (t.precision < P::Day) t.day = 1;
  }
  if (t.precision < P::Hour) t.hour = 0;
  if (t.precision < P::Minute) t.minute = 0;
  if (t.precision < P::Second) t.second = 0;
  if (t.precision < P::Millisecond) t.millisecond = 0;
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool take(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  /// Exactly `n` digits.
  bool digits(int n, int& out) {
    if (i_ + static_cast<std::size_t>(n) > s_.size()) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = s_[i_ + static_cast<std::size_t>(k)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i_ += static_cast<std::size_t>(n);
    out = v;
    return true;
  }
  bool atDigit() const { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool parseTime(Cursor& c, Temporal& t) {
  using P = TemporalPrecision;
  int h, mi, s;
  if (!c.digits(2, h) || h > 23) return false;
  t.hour = static_cast<uint8_t>(h);
  t.precision = P::Hour;
  if (!c.take(':')) return true;
  if (!c.digits(2, mi) || mi > 59) return false;
  t.minute = static_cast<uint8_t>(mi);
  t.precision = P::Minute;
  if (!c.take(':')) return true;
  if (!c.digits(2, s) || s > 59) return false;
  t.second = static_cast<uint8_t>(s);
  t.precision = P::Second;
  if (!c.take('.')) return true;
  if (!c.atDigit()) return false;
  int ms = 0, n = 0;
  while (c.atDigit()) {
    int d = 0;
    c.digits(1, d);
    if (n < 3) ms = ms * 10 + d;
    ++n;
  }
  for (; n < 3; ++n) ms *= 10;
  t.millisecond = static_cast<uint16_t>(ms);
  t.precision = P::Millisecond;
  return true;
}

bool parseTimezone(Cursor& c, Temporal& t) {
  if (c.take('Z')) {
    t.hasTimezone = t.zulu = true;
    return true;
  }
  const bool minus = c.peek('-');
  if (!c.take('+') && !c.take('-')) return true;
  int h, m;
  if (!c.digits(2, h) || !c.take(':') || !c.digits(2, m) || h > 14 || m > 59) return false;
  t.hasTimezone = true;
  t.offsetMinutes = static_cast<int16_t>((minus ? -1 : 1) * (h * 60 + m));
  return true;
}

void appendDigits(std::string& out, int64_t v, int width) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 || n < width);
  while (n > 0) out.push_back(buf[--n]);
}

void appendTime(std::string& out, const Temporal& t) {
  using P = TemporalPrecision;
  appendDigits(out, t.hour, 2);
  if (t.precision < P::Minute) return;
  out.push_back(':');
  appendDigits(out, t.minute, 2);
  if (t.precision < P::Second) return;
  out.push_back(':');
  appendDigits(out, t.second, 2);
  if (t.precision < P::Millisecond) return;
  out.push_back('.');
  appendDigits(out, t.millisecond, 3);
}

/// Comparable levels: year, month, day, hour, minute, and seconds with milliseconds as one.
int levelOf(TemporalPrecision p) {
  return p == TemporalPrecision::Millisecond ? 5 : static_cast<int>(p);
}

int64_t levelValue(const Temporal& t, int level) {
  switch (level) {
    case 0: return t.year;
    case 1: return t.month;
    case 2: return t.day;
    case 3: return t.hour;
    case 4: return t.minute;
    default: return t.second * 1000LL + t.millisecond;
  }
}

Temporal inUtc(const Temporal& t) {
  Temporal u = t;
  if (!t.hasTimezone || t.offsetMinutes == 0) return u;
  if (t.kind == TemporalKind::Time) {
    int64_t ms = (msOfDay(t) - t.offsetMinutes * 60'000LL) % kMsPerDay;
    setMsOfDay(u, ms < 0 ? ms + kMsPerDay : ms);
  } else {
    setEpochMs(u, epochMs(t) - t.offsetMinutes * 60'000LL);
  }
  u.offsetMinutes = 0;
  return u;
}

}  // namespace

std::optional<Temporal> Temporal::parse(std::string_view text, TemporalKind kind) {
  using P = TemporalPrecision;
  Temporal t;
  t.kind = kind;
  Cursor c(text);
  if (kind == TemporalKind::Time) {
    if (!parseTime(c, t) || !c.done()) return std::nullopt;
    return t;
  }
  int y, m, d;
  if (!c.digits(4, y) || y < 1) return std::nullopt;
  t.year = y;
  t.precision = P::Year;
  if (c.take('-')) {
    if (!c.digits(2, m) || m < 1 || m > 12) return std::nullopt;
    t.month = static_cast<uint8_t>(m);
    t.precision = P::Month;
    if (c.take('-')) {
      if (!c.digits(2, d) || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
      t.day = static_cast<uint8_t>(d);
      t.precision = P::Day;
    }
  }
  if (kind == TemporalKind::DateTime && c.take('T') && !c.done()) {
    if (t.precision != P::Day || !parseTime(c, t) || !parseTimezone(c, t)) return std::nullopt;
  }
  if (!c.done()) return std::nullopt;
  return t;
}

std::string Temporal::toString() const {
  using P = TemporalPrecision;
  std::string out;
  if (kind == TemporalKind::Time) {
    appendTime(out, *this);
    return out;
  }
  appendDigits(out, year, 4);
  if (precision >= P::Month) {
    out.push_back('-');
    appendDigits(out, month, 2);
  }
  if (precision >= P::Day) {
    out.push_back('-');
    appendDigits(out, day, 2);
  }
  if (kind == TemporalKind::DateTime && precision >= P::Hour) {
    out.push_back('T');
    appendTime(out, *this);
    if (hasTimezone) {
      if (zulu || offsetMinutes == 0) {
        out.push_back('Z');
      } else {
        out.push_back(offsetMinutes < 0 ? '-' : '+');
        const int abs = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
        appendDigits(out, abs / 60, 2);
        out.push_back(':');
        appendDigits(out, abs % 60, 2);
      }
    }
  }
  return out;
}

Ordering compare(const Temporal& a, const Temporal& b) {
  const bool aTime = a.kind == TemporalKind::Time, bTime = b.kind == TemporalKind::Time;
  if (aTime != bTime) return Ordering::Incomparable;
  Temporal x = a, y = b;
  if (a.hasTime() && b.hasTime() && !aTime) {
    if (a.hasTimezone != b.hasTimezone) return Ordering::Unknown;
    x = inUtc(a);
    y = inUtc(b);
  }
  const int first = aTime ? 3 : 0;
  const int la = levelOf(x.precision), lb = levelOf(y.precision);
  const int common = la < lb ? la : lb;
  for (int level = first; level <= common; ++level) {
    const int64_t va = levelValue(x, level), vb = levelValue(y, level);
    if (va != vb) return va < vb ? Ordering::Less : Ordering::Greater;
  }
  return la == lb ? Ordering::Equal : Ordering::Unknown;
}

bool equivalent(const Temporal& a, const Temporal& b) {
  if (levelOf(a.precision) != levelOf(b.precision)) return false;
  return compare(a, b) == Ordering::Equal;
}

std::optional<Temporal> addDuration(const Temporal& t, int64_t amount, DurationUnit unit) {
  using U = DurationUnit;
  Temporal r = t;
  if (unit == U::Year || unit == U::Month) {
    if (t.kind == TemporalKind::Time) return std::nullopt;
    const int64_t months = (unit == U::Year ? amount * 12 : amount) + t.year * 12LL + (t.month - 1);
    const int64_t year = months / 12;
    if (months < 0 || year < 1 || year > 9999) return std::nullopt;
    r.year = static_cast<int32_t>(year);
    r.month = static_cast<uint8_t>(months % 12 + 1);
    const int last = daysInMonth(r.year, r.month);
    if (r.day > last) r.day = static_cast<uint8_t>(last);
    return r;
  }
  static constexpr int64_t kUnitMs[] = {0, 0, 7 * kMsPerDay, kMsPerDay, 3'600'000, 60'000, 1000, 1};
  const int64_t step = kUnitMs[static_cast<int>(unit)];
  if (amount > INT64_MAX / step || amount < INT64_MIN / step) return std::nullopt;
  const int64_t delta = amount * step;
  if (t.kind == TemporalKind::Time) {
    if (unit == U::Week || unit == U::Day) return std::nullopt;
    int64_t ms = (msOfDay(t) + delta % kMsPerDay) % kMsPerDay;
    setMsOfDay(r, ms < 0 ? ms + kMsPerDay : ms);
  } else if (!setEpochMs(r, epochMs(t) + delta)) {
    return std::nullopt;
  }
  clearBelowPrecision(r);
  return r;
}

int precisionDigits(const Temporal& t) {
  using P = TemporalPrecision;
  if (t.kind == TemporalKind::Time) {
    switch (t.precision) {
      case P::Hour: return 2;
      case P::Minute: return 4;
      case P::Second: return 6;
      default: return 9;
    }
  }
  static constexpr int kDigits[] = {4, 6, 8, 10, 12, 14, 17};
  return kDigits[static_cast<int>(t.precision)];
}

namespace {

std::optional<TemporalPrecision> precisionForDigits(TemporalKind kind, int digits) {
  using P = TemporalPrecision;
  if (kind == TemporalKind::Time) {
    switch (digits) {
      case 2: return P::Hour;
      case 4: return P::Minute;
      case 6: return P::Second;
      case 9: return P::Millisecond;
      default: return std::nullopt;
    }
  }
  switch (digits) {
    case 4: return P::Year;
    case 6: return P::Month;
    case 8: return P::Day;
    default: break;
  }
  if (kind == TemporalKind::Date) return std::nullopt;
  switch (digits) {
    case 10: return P::Hour;
    case 12: return P::Minute;
    case 14: return P::Second;
    case 17: return P::Millisecond;
    default: return std::nullopt;
  }
}

std::optional<Temporal> boundary(const Temporal& t, int digits, bool high) {
  using P = TemporalPrecision;
  auto target = precisionForDigits(t.kind, digits);
  if (!target) return std::nullopt;
  Temporal r = t;
  r.precision = *target;
  if (t.kind != TemporalKind::Time) {
    if (t.precision < P::Month) r.month = high ? 12 : 1;
    if (t.precision < P::Day) r.day = high ? static_cast<uint8_t>(daysInMonth(r.year, r.month)) : 1;
  }
  if (t.precision < P::Hour) r.hour = high ? 23 : 0;
  if (t.precision < P::Minute) r.minute = high ? 59 : 0;
  if (t.precision < P::Second) r.second = high ? 59 : 0;
  if (t.precision < P::Millisecond) r.millisecond = high ? 999 : 0;
  // Without an offset, the value could be in any timezone: the extremes are +14:00 and -12:00.
  if (t.kind == TemporalKind::DateTime && !t.hasTimezone && r.precision >= P::Hour) {
    r.hasTimezone = true;
    r.offsetMinutes = high ? -12 * 60 : 14 * 60;
  }
  clearBelowPrecision(r);
  return r;
}

}  // namespace

std::optional<Temporal> lowBoundary(const Temporal& t, int digits) {
  return boundary(t, digits, false);
}

std::optional<Temporal> highBoundary(const Temporal& t, int digits) {
  return boundary(t, digits, true);
}

Temporal currentDateTime() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const int64_t ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&secs, &local);
  Temporal t;
  t.kind = TemporalKind::DateTime;
  t.precision = TemporalPrecision::Millisecond;
  t.hasTimezone = true;
  t.offsetMinutes = static_cast<int16_t>(local.tm_gmtoff / 60);
  setEpochMs(t, ms + local.tm_gmtoff * 1000LL);
  return t;
}

}  // namespace renkei::fhirpath

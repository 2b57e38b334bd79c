// 和暦 ↔ ISO dates: a small era table (the era boundaries are rules, not calendar arithmetic ICU
// would hide), NFKC from ICU for full-width input, and strict checks of days and era ranges.
#include "renkei/mapping/wareki.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "calendar.h"
#include "icu_text.h"
#include "renkei/core/ascii.h"

namespace renkei::mapping {
namespace {

struct Ymd {
  int y = 0, m = 0, d = 0;
  bool operator<(const Ymd& o) const { return y != o.y ? y < o.y : m != o.m ? m < o.m : d < o.d; }
};

struct Era {
  std::string_view kanji;
  char letter;
  int firstYear;  ///< the Gregorian year of era year 1
  Ymd start;      ///< first supported day (明治: the Gregorian calendar's adoption)
  Ymd end;
};

// 明治1年 = 1868, but Japan used the lunisolar calendar until 明治5年12月2日: dates before
// 1873-01-01 (明治6年1月1日) cannot be converted day by day and are refused.
constexpr Ymd kGregorianAdoption{1873, 1, 1};
constexpr std::array<Era, 5> kEras = {{
    {"明治", 'M', 1868, kGregorianAdoption, {1912, 7, 29}},
    {"大正", 'T', 1912, {1912, 7, 30}, {1926, 12, 24}},
    {"昭和", 'S', 1926, {1926, 12, 25}, {1989, 1, 7}},
    {"平成", 'H', 1989, {1989, 1, 8}, {2019, 4, 30}},
    {"令和", 'R', 2019, {2019, 5, 1}, {9999, 12, 31}},
}};

using calendar::daysInMonth;

std::string iso(const Ymd& v, bool withDay) {
  char buf[16];
  if (withDay) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.y, v.m, v.d);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d", v.y, v.m);
  }
  return buf;
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return s_.empty(); }
  bool eat(std::string_view p) {
    if (s_.substr(0, p.size()) != p) return false;
    s_.remove_prefix(p.size());
    return true;
  }
  char peek() const { return s_.empty() ? '\0' : s_.front(); }
  void skip(std::size_t n) { s_.remove_prefix(std::min(n, s_.size())); }
  /// minDigits..maxDigits ASCII digits; false when fewer.
  bool digits(std::size_t minDigits, std::size_t maxDigits, int& value) {
    std::size_t n = 0;
    value = 0;
    while (n < s_.size() && n < maxDigits && s_[n] >= '0' && s_[n] <= '9') value = value * 10 + (s_[n++] - '0');
    if (n < minDigits) return false;
    s_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view s_;
};

const Era* eraAt(Cursor& c) {
  for (const Era& e : kEras) {
    if (c.eat(e.kanji)) return &e;
  }
  for (const Era& e : kEras) {
    if (asciiLower(c.peek()) == asciiLower(e.letter)) {
      c.skip(1);
      return &e;
    }
  }
  return nullptr;
}

Status shapeError() {
  return Status::invalidInput(
      "not a date: expected 和暦 such as 令和6年11月22日 or R06.11.22, or YYYY-MM-DD");
}

Status checkEra(const Era& era, const Ymd& first, const Ymd& last) {
  if (era.end < first) {
    return Status::invalidInput(std::string(era.kanji) + " ended on " + iso(era.end, true) +
                                "; the date is after it");
  }
  if (last < era.start) {
    if (era.letter == 'M') {
      return Status::invalidInput(
          "dates before 1873-01-01 (明治6年1月1日) are in the lunisolar calendar and cannot be converted");
    }
    return Status::invalidInput(std::string(era.kanji) + " began on " + iso(era.start, true) +
                                "; the date is before it");
  }
  return {};
}

}  // namespace

Result<std::string> warekiToIso(std::string_view text) {
  auto normalized = text::nfkc(text);
  if (!normalized.ok()) return normalized.status();
  std::string compact;
  for (char ch : normalized.value()) {
    if (ch != ' ' && ch != '\t') compact += ch;
  }
  if (compact.empty()) return Status::invalidInput("empty date");
  Cursor c(compact);
  const Era* era = eraAt(c);
  int year = 0, month = 0, day = 0;
  if (era != nullptr) {
    if (c.eat("元")) {
      year = 1;
    } else if (!c.digits(1, 2, year)) {
      return shapeError();
    }
    if (year == 0) return Status::invalidInput("era year 0 does not exist (元年 is year 1)");
  } else if (!c.digits(4, 4, year)) {
    return shapeError();
  }
  bool hasDay = false;
  if (c.eat("年")) {
    if (!c.digits(1, 2, month) || !c.eat("月")) return shapeError();
    if (!c.done()) {
      if (!c.digits(1, 2, day) || !c.eat("日")) return shapeError();
      hasDay = true;
    }
  } else {
    const char sep = c.peek();
    if (sep != '.' && sep != '/' && sep != '-') return shapeError();
    c.skip(1);
    if (!c.digits(1, 2, month)) return shapeError();
    if (!c.done()) {
      if (!c.eat(std::string_view(&sep, 1)) || !c.digits(1, 2, day)) return shapeError();
      hasDay = true;
    }
  }
  if (!c.done()) return shapeError();
  const int gregorianYear = era != nullptr ? era->firstYear + year - 1 : year;
  if (gregorianYear < 1) return Status::invalidInput("year 0 does not exist");
  if (month < 1 || month > 12) return Status::invalidInput("month " + std::to_string(month) + " does not exist");
  if (hasDay && (day < 1 || day > daysInMonth(gregorianYear, month))) {
    return Status::invalidInput("day " + std::to_string(day) + " does not exist in month " + std::to_string(month));
  }
  const Ymd first{gregorianYear, month, hasDay ? day : 1};
  const Ymd last{gregorianYear, month, hasDay ? day : daysInMonth(gregorianYear, month)};
  if (era != nullptr) RENKEI_RETURN_IF_ERROR(checkEra(*era, first, last));
  return iso(first, hasDay);
}

Result<std::string> isoToWareki(std::string_view isoDate, bool letters) {
  Cursor c(isoDate);
  Ymd v;
  bool hasDay = false;
  const Status bad = Status::invalidInput("not an ISO date (YYYY-MM-DD or YYYY-MM)");
  if (!c.digits(4, 4, v.y) || !c.eat("-") || !c.digits(2, 2, v.m)) return bad;
  if (c.eat("-")) {
    if (!c.digits(2, 2, v.d)) return bad;
    hasDay = true;
  }
  if (!c.done()) return bad;
  if (v.m < 1 || v.m > 12) return Status::invalidInput("month " + std::to_string(v.m) + " does not exist");
  if (!hasDay) v.d = 1;
  if (v.d < 1 || v.d > daysInMonth(v.y, v.m)) {
    return Status::invalidInput("day " + std::to_string(v.d) + " does not exist in month " + std::to_string(v.m));
  }
  if (v < kGregorianAdoption) {
    return Status::invalidInput("dates before 1873-01-01 have no Gregorian 和暦 form");
  }
  const Era* era = &kEras.front();
  for (const Era& e : kEras) {
    if (!(v < e.start)) era = &e;
  }
  const int year = v.y - era->firstYear + 1;
  char buf[64];
  if (letters) {
    if (hasDay) {
      std::snprintf(buf, sizeof buf, "%c%02d.%02d.%02d", era->letter, year, v.m, v.d);
    } else {
      std::snprintf(buf, sizeof buf, "%c%02d.%02d", era->letter, year, v.m);
    }
    return std::string(buf);
  }
  std::string out(era->kanji);
  out += year == 1 ? "元" : std::to_string(year);
  out += "年" + std::to_string(v.m) + "月";
  if (hasDay) out += std::to_string(v.d) + "日";
  return out;
}

}  // namespace renkei::mapping

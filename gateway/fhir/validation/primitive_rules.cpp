// Hand-written lexical checks for primitives: faster than regexes and able to check calendars.
#include "primitive_rules.h"

#include <cstdint>
#include <cstring>

#include "renkei/core/utf8.h"

namespace renkei::fhir {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

int num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// YYYY, YYYY-MM or YYYY-MM-DD; returns the number of characters consumed, 0 when invalid.
std::size_t parseDate(std::string_view s, std::string* why) {
  if (s.size() < 4 || !allDigits(s.substr(0, 4))) {
    *why = "the year must have 4 digits";
    return 0;
  }
  int year = num(s.substr(0, 4));
  if (year == 0) {
    *why = "year 0000 does not exist";
    return 0;
  }
  if (s.size() == 4 || s[4] != '-') return 4;
  if (s.size() < 7 || !allDigits(s.substr(5, 2))) {
    *why = "the month must have 2 digits";
    return 0;
  }
  int month = num(s.substr(5, 2));
  if (month < 1 || month > 12) {
    *why = "month " + std::to_string(month) + " is out of range";
    return 0;
  }
  if (s.size() == 7 || s[7] != '-') return 7;
  if (s.size() < 10 || !allDigits(s.substr(8, 2))) {
    *why = "the day must have 2 digits";
    return 0;
  }
  int day = num(s.substr(8, 2));
  if (day < 1 || day > daysIn(year, month)) {
    *why = "day " + std::to_string(day) + " does not exist in " + std::to_string(year) + "-" +
           std::string(s.substr(5, 2));
    return 0;
  }
  return 10;
}

// hh:mm:ss(.fff)? ; returns characters consumed or 0.
std::size_t parseTime(std::string_view s, std::string* why) {
  if (s.size() < 8 || !allDigits(s.substr(0, 2)) || s[2] != ':' || !allDigits(s.substr(3, 2)) ||
      s[5] != ':' || !allDigits(s.substr(6, 2))) {
    *why = "the time must be hh:mm:ss";
    return 0;
  }
  if (num(s.substr(0, 2)) > 23 || num(s.substr(3, 2)) > 59 || num(s.substr(6, 2)) > 60) {
    *why = "the time is out of range";
    return 0;
  }
  std::size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) {
      *why = "fractional seconds need digits";
      return 0;
    }
  }
  return i;
}

// Z or ±hh:mm; returns characters consumed or 0.
std::size_t parseZone(std::string_view s, std::string* why) {
  if (!s.empty() && s[0] == 'Z') return 1;
  if (s.size() >= 6 && (s[0] == '+' || s[0] == '-') && allDigits(s.substr(1, 2)) && s[3] == ':' &&
      allDigits(s.substr(4, 2))) {
    int h = num(s.substr(1, 2)), m = num(s.substr(4, 2));
    if (h < 14 ? m <= 59 : (h == 14 && m == 0)) return 6;
  }
  *why = "a time zone (Z or +hh:mm) is required";
  return 0;
}

std::string checkDateTime(std::string_view v, bool instant) {
  std::string why;
  std::size_t n = parseDate(v, &why);
  if (n == 0) return why;
  if (n == v.size()) return instant ? "an instant needs a full date, time and time zone" : "";
  if (n != 10 || v[n] != 'T') return "unexpected characters after the date";
  std::string_view rest = v.substr(n + 1);
  std::size_t t = parseTime(rest, &why);
  if (t == 0) return why;
  std::size_t z = parseZone(rest.substr(t), &why);
  if (z == 0) return why;
  if (t + z != rest.size()) return "unexpected characters after the time zone";
  return {};
}

bool checkInt32(std::string_view s, int64_t min) {
  std::size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  std::string_view digits = s.substr(i);
  if (!allDigits(digits) || (digits.size() > 1 && digits[0] == '0')) return false;
  if (digits.size() > 10) return false;
  int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (neg) v = -v;
  return v >= min && v <= INT32_MAX && (v >= INT32_MIN);
}

bool isDecimalImpl(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (isDigit(s[i])) {
    while (i < s.size() && isDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t start = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string checkString(std::string_view v) {
  if (v.empty()) return "the value is empty (an element without a value must be left out)";
  std::size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {  // skip words without any byte below 0x20
    uint64_t w;
    std::memcpy(&w, v.data() + i, 8);
    if (anyControlByte(w)) break;
  }
  for (; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "control characters are not allowed";
  }
  if (v.size() > 1024 * 1024) return "strings are limited to 1 MB";
  return {};
}

bool isBase64(std::string_view v) {
  std::size_t count = 0, padding = 0;
  for (char c : v) {
    if (isSpace(c)) continue;
    if (c == '=') {
      ++padding;
      ++count;
      continue;
    }
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '+' || c == '/';
    if (!ok || padding > 0) return false;
    ++count;
  }
  return count % 4 == 0 && padding <= 2;
}

bool isOid(std::string_view v) {
  constexpr std::string_view kPrefix = "urn:oid:";
  if (v.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = v.substr(kPrefix.size());
  if (rest.size() < 3 || rest[0] < '0' || rest[0] > '2' || rest[1] != '.') return false;
  rest = rest.substr(2);
  while (true) {
    std::size_t dot = rest.find('.');
    std::string_view arc = rest.substr(0, dot);
    if (!allDigits(arc) || (arc.size() > 1 && arc[0] == '0')) return false;
    if (dot == std::string_view::npos) return true;
    rest = rest.substr(dot + 1);
  }
}

bool isUuid(std::string_view v) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (v.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view u = v.substr(kPrefix.size());
  if (u.size() != 36) return false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    char c = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!(isDigit(c) || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

std::string checkDateOnly(std::string_view v) {
  std::string why;
  std::size_t n = parseDate(v, &why);
  if (n == 0) return why;
  return n == v.size() ? "" : "not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)";
}

std::string checkTimeOnly(std::string_view v) {
  std::string why;
  std::size_t n = parseTime(v, &why);
  if (n == 0) return why;
  return n == v.size() ? "" : "not a valid time (hh:mm:ss)";
}

std::string checkCode(std::string_view v) {
  if (v.empty()) return "the value is empty";
  if (isSpace(v.front()) || isSpace(v.back())) return "codes cannot start or end with whitespace";
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (isSpace(v[i]) && (v[i] != ' ' || isSpace(v[i - 1]))) return "codes may only contain single spaces";
  }
  return checkString(v);
}

std::string checkId(std::string_view v) {
  if (v.empty() || v.size() > 64) return "ids are 1 to 64 characters";
  for (char c : v) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '.';
    if (!ok) return "ids may only contain A-Z, a-z, 0-9, '-' and '.'";
  }
  return {};
}

std::string checkUri(std::string_view v) {
  if (v.empty()) return "the value is empty";
  for (char c : v) {
    if (isSpace(c)) return "URIs cannot contain whitespace";
  }
  return checkString(v);
}

}  // namespace

bool isDecimalText(std::string_view s) { return isDecimalImpl(s); }

bool hasUriScheme(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

bool isJsonNumberPrimitive(std::string_view t) {
  return t == "integer" || t == "decimal" || t == "positiveInt" || t == "unsignedInt";
}

std::string primitiveProblem(std::string_view type, std::string_view v) {
  if (type.empty()) return {};
  // Dispatch on the first letter: this runs for every primitive value.
  switch (type[0]) {
    case 'b':
      if (type == "boolean") return v == "true" || v == "false" ? "" : "must be true or false";
      if (type == "base64Binary") return isBase64(v) ? "" : "not valid base64";
      break;
    case 'c':
      if (type == "code") return checkCode(v);
      if (type == "canonical") return checkUri(v);
      break;
    case 'd':
      if (type == "dateTime") return checkDateTime(v, false);
      if (type == "date") return checkDateOnly(v);
      if (type == "decimal") return isDecimalImpl(v) ? "" : "not a valid decimal";
      break;
    case 'i':
      if (type == "id") return checkId(v);
      if (type == "integer") return checkInt32(v, INT32_MIN) && v[0] != '+' ? "" : "not a valid integer";
      if (type == "instant") return checkDateTime(v, true);
      break;
    case 'm':
      if (type == "markdown") return checkString(v);
      break;
    case 'o':
      if (type == "oid") return isOid(v) ? "" : "not a valid OID (urn:oid:...)";
      break;
    case 'p':
      if (type == "positiveInt") return checkInt32(v, 1) && v[0] != '-' ? "" : "not a positive integer";
      break;
    case 's':
      if (type == "string") return checkString(v);
      break;
    case 't':
      if (type == "time") return checkTimeOnly(v);
      break;
    case 'u':
      if (type == "uri" || type == "url") return checkUri(v);
      if (type == "uuid") return isUuid(v) ? "" : "not a valid UUID (urn:uuid: + lower-case hex)";
      if (type == "unsignedInt") {
        return checkInt32(v, 0) && v[0] != '+' && v[0] != '-' ? "" : "not an unsigned integer";
      }
      break;
    default:
      break;
  }
  return {};
}

}  // namespace renkei::fhir

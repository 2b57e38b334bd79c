// Exact decimal arithmetic on a 128-bit mantissa with a decimal scale.
#include "renkei/fhirpath/decimal.h"

#include <array>
#include <cmath>
#include <cstdio>

namespace renkei::fhirpath {
namespace {

constexpr int kMaxScale = 40;     // results finer than this are rounded
constexpr int kDivisionScale = 20;  // decimal places a quotient is computed to

constexpr auto kPowersOfTen = [] {
  std::array<Int128, 39> t{};
  t[0] = 1;
  for (std::size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] * 10;
  return t;
}();

/// m × 10^k, or false on overflow.
bool scaleUp(Int128 m, int k, Int128& out) {
  if (k == 0) {
    out = m;
    return true;
  }
  if (k < 0 || k > 38) return m == 0 ? (out = 0, true) : false;
  return !__builtin_mul_overflow(m, kPowersOfTen[k], &out);
}

Int128 absolute(Int128 v) { return v < 0 ? -v : v; }

/// Divides by 10^k rounding half away from zero.
Int128 roundDivPow10(Int128 m, int k) {
  if (k <= 0) return m;
  if (k > 38) return 0;
  const Int128 p = kPowersOfTen[k];
  Int128 q = m / p;
  Int128 r = absolute(m % p);
  if (r * 2 >= p) q += m < 0 ? -1 : 1;
  return q;
}

bool align(const Decimal& a, const Decimal& b, Int128& am, Int128& bm, int& scale) {
  scale = a.scale > b.scale ? a.scale : b.scale;
  return scaleUp(a.mantissa, scale - a.scale, am) && scaleUp(b.mantissa, scale - b.scale, bm);
}

std::optional<Decimal> capScale(Decimal d) {
  if (d.scale > kMaxScale) d = roundTo(d, kMaxScale);
  return d;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  Int128 m = 0;
  int significant = 0, fraction = 0;
  bool anyDigit = false, point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      anyDigit = true;
      if (significant > 0 || c != '0') ++significant;
      if (significant > kMaxDigits) return std::nullopt;
      m = m * 10 + (c - '0');
      if (point) ++fraction;
    } else if (c == '.' && !point) {
      if (!anyDigit) return std::nullopt;
      point = true;
      if (i + 1 >= s.size() || s[i + 1] < '0' || s[i + 1] > '9') return std::nullopt;
    } else {
      break;
    }
  }
  if (!anyDigit) return std::nullopt;
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool expNegative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) expNegative = s[i++] == '-';
    if (i >= s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9' || exponent > 1000) return std::nullopt;
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (expNegative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  Decimal d{negative ? -m : m, fraction - exponent, negative && m == 0};
  if (d.scale < 0) {
    Int128 scaled;
    if (!scaleUp(d.mantissa, -d.scale, scaled)) return std::nullopt;
    d = {scaled, 0};
  }
  if (d.scale > kMaxScale + kMaxDigits) return std::nullopt;
  return capScale(d);
}

std::optional<Decimal> Decimal::fromDouble(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  auto d = parse(buf);
  if (!d) return std::nullopt;
  return d->normalized();
}

std::string Decimal::toString() const {
  Int128 a = absolute(mantissa);
  char digits[48];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(a % 10));
    a /= 10;
  } while (a != 0);
  while (n <= scale) digits[n++] = '0';  // at least one digit before the point
  std::string out;
  out.reserve(static_cast<std::size_t>(n) + 2);
  if (mantissa < 0 || (mantissa == 0 && negativeZero)) out.push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out.push_back(digits[i]);
    if (i == scale && scale > 0) out.push_back('.');
  }
  return out;
}

double Decimal::toDouble() const {
  long double v = static_cast<long double>(mantissa);
  return static_cast<double>(v / std::pow(10.0L, scale));
}

int Decimal::digits() const {
  Int128 a = absolute(mantissa);
  int n = 1;
  while (a >= 10) {
    a /= 10;
    ++n;
  }
  return n;
}

Decimal Decimal::normalized() const {
  Decimal d = *this;
  while (d.scale > 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  return d;
}

int compare(const Decimal& a, const Decimal& b) {
  const int sa = (a.mantissa > 0) - (a.mantissa < 0);
  const int sb = (b.mantissa > 0) - (b.mantissa < 0);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  Int128 am, bm;
  if (a.scale <= b.scale) {
    // When the scaled-up mantissa no longer fits, its magnitude is the larger one.
    if (!scaleUp(a.mantissa, b.scale - a.scale, am)) return sa;
    bm = b.mantissa;
  } else {
    if (!scaleUp(b.mantissa, a.scale - b.scale, bm)) return -sa;
    am = a.mantissa;
  }
  return am < bm ? -1 : (am > bm ? 1 : 0);
}

bool equivalent(const Decimal& a, const Decimal& b) {
  const int scale = a.scale < b.scale ? a.scale : b.scale;
  return compare(roundTo(a, scale), roundTo(b, scale)) == 0;
}

std::optional<Decimal> add(const Decimal& a, const Decimal& b) {
  Int128 am, bm, sum;
  int scale;
  if (!align(a, b, am, bm, scale) || __builtin_add_overflow(am, bm, &sum)) return std::nullopt;
  return Decimal{sum, scale};
}

std::optional<Decimal> subtract(const Decimal& a, const Decimal& b) { return add(a, negate(b)); }

std::optional<Decimal> multiply(const Decimal& a, const Decimal& b) {
  Int128 product;
  Decimal x = a, y = b;
  // Drop trailing zeros first so exact products of long operands still fit.
  while (__builtin_mul_overflow(x.mantissa, y.mantissa, &product)) {
    Decimal nx = x.normalized(), ny = y.normalized();
    if (nx.scale == x.scale && ny.scale == y.scale) return std::nullopt;
    x = nx;
    y = ny;
  }
  return capScale({product, x.scale + y.scale});
}

std::optional<Decimal> divide(const Decimal& a, const Decimal& b) {
  if (b.mantissa == 0) return std::nullopt;
  const Int128 divisor = absolute(b.mantissa);
  const int shift = a.scale - b.scale;  // value = (|a.m| / |b.m|) × 10^-shift
  const int scale = shift > kDivisionScale ? shift : kDivisionScale;
  int fractionDigits = scale - shift;
  Int128 quotient = absolute(a.mantissa) / divisor;
  Int128 remainder = absolute(a.mantissa) % divisor;
  int produced = 0;
  const Int128 limit = kPowersOfTen[37];
  for (; produced < fractionDigits; ++produced) {
    if (quotient >= limit || remainder > limit) break;
    remainder *= 10;
    quotient = quotient * 10 + remainder / divisor;
    remainder %= divisor;
  }
  if (remainder <= limit && remainder * 10 / divisor >= 5) ++quotient;
  Decimal d{quotient, shift + produced};
  if ((a.mantissa < 0) != (b.mantissa < 0)) d.mantissa = -d.mantissa;
  if (d.scale < 0) {
    Int128 scaled;
    if (!scaleUp(d.mantissa, -d.scale, scaled)) return std::nullopt;
    d = {scaled, 0};
  }
  return capScale(d.normalized());
}

Decimal negate(const Decimal& a) { return {-a.mantissa, a.scale}; }

Decimal roundTo(const Decimal& a, int places) {
  if (places < 0) places = 0;
  if (places >= a.scale) return withScale(a, places);
  return {roundDivPow10(a.mantissa, a.scale - places), places};
}

Decimal withScale(const Decimal& a, int scale) {
  if (scale < a.scale) return {roundDivPow10(a.mantissa, a.scale - scale), scale};
  Int128 m;
  if (!scaleUp(a.mantissa, scale - a.scale, m)) return a;
  return {m, scale};
}

namespace {
std::optional<int64_t> toInt64(Int128 v) {
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}
Int128 truncated(const Decimal& a) {
  return a.scale > 38 ? 0 : a.mantissa / kPowersOfTen[a.scale];
}
bool hasFraction(const Decimal& a) {
  return a.scale > 38 ? a.mantissa != 0 : a.mantissa % kPowersOfTen[a.scale] != 0;
}
}  // namespace

std::optional<int64_t> truncateToInteger(const Decimal& a) { return toInt64(truncated(a)); }

std::optional<int64_t> floorToInteger(const Decimal& a) {
  Int128 t = truncated(a);
  if (a.mantissa < 0 && hasFraction(a)) --t;
  return toInt64(t);
}

std::optional<int64_t> ceilingToInteger(const Decimal& a) {
  Int128 t = truncated(a);
  if (a.mantissa > 0 && hasFraction(a)) ++t;
  return toInt64(t);
}

std::optional<Decimal> integerDivide(const Decimal& a, const Decimal& b) {
  Int128 am, bm;
  int scale;
  if (b.mantissa == 0 || !align(a, b, am, bm, scale)) return std::nullopt;
  return Decimal{am / bm, 0};
}

std::optional<Decimal> modulo(const Decimal& a, const Decimal& b) {
  Int128 am, bm;
  int scale;
  if (b.mantissa == 0 || !align(a, b, am, bm, scale)) return std::nullopt;
  return Decimal{am % bm, scale};
}

}  // namespace renkei::fhirpath

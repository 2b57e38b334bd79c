// UCUM parsing and conversion to base units (see ucum.h for the subset).
#include "ucum.h"

#include <vector>

namespace renkei::fhirpath::ucum {
namespace {

enum Base : uint8_t { kM, kS, kG, kRad, kK, kC, kCd, kIU };

struct Atom {
  std::string_view symbol;
  std::string_view factor;  ///< decimal text, in base units
  Dimensions dims;
  bool metric;  ///< accepts prefixes
  std::string_view offset = "0";
  std::string_view divisor = "1";
};

constexpr Dimensions dim(int m, int s, int g, int rad = 0, int k = 0, int c = 0, int cd = 0,
                         int iu = 0) {
  return {static_cast<int8_t>(m), static_cast<int8_t>(s), static_cast<int8_t>(g),
          static_cast<int8_t>(rad), static_cast<int8_t>(k), static_cast<int8_t>(c),
          static_cast<int8_t>(cd), static_cast<int8_t>(iu)};
}

// Factors are exact where UCUM defines them exactly; mol carries Avogadro's number as UCUM does.
constexpr Atom kAtoms[] = {
    {"m", "1", dim(1, 0, 0), true},
    {"s", "1", dim(0, 1, 0), true},
    {"g", "1", dim(0, 0, 1), true},
    {"rad", "1", dim(0, 0, 0, 1), true},
    {"K", "1", dim(0, 0, 0, 0, 1), true},
    {"C", "1", dim(0, 0, 0, 0, 0, 1), true},
    {"cd", "1", dim(0, 0, 0, 0, 0, 0, 1), true},
    {"1", "1", dim(0, 0, 0), false},
    {"%", "0.01", dim(0, 0, 0), false},
    {"[ppth]", "0.001", dim(0, 0, 0), false},
    {"[ppm]", "0.000001", dim(0, 0, 0), false},
    {"10*", "10", dim(0, 0, 0), false},
    {"10^", "10", dim(0, 0, 0), false},
    {"mol", "602213670000000000000000", dim(0, 0, 0), true},
    {"eq", "602213670000000000000000", dim(0, 0, 0), true},
    {"osm", "602213670000000000000000", dim(0, 0, 0), true},
    {"kat", "602213670000000000000000", dim(0, -1, 0), true},
    {"U", "602213670000000000", dim(0, -1, 0), true, "0", "60"},
    {"sr", "1", dim(0, 0, 0, 2), true},
    {"Hz", "1", dim(0, -1, 0), true},
    {"Bq", "1", dim(0, -1, 0), true},
    {"N", "1000", dim(1, -2, 1), true},
    {"Pa", "1000", dim(-1, -2, 1), true},
    {"J", "1000", dim(2, -2, 1), true},
    {"W", "1000", dim(2, -3, 1), true},
    {"A", "1", dim(0, -1, 0, 0, 0, 1), true},
    {"V", "1000", dim(2, -2, 1, 0, 0, -1), true},
    {"Ohm", "1000", dim(2, -1, 1, 0, 0, -2), true},
    {"Gy", "1", dim(2, -2, 0), true},
    {"Sv", "1", dim(2, -2, 0), true},
    {"cal", "4184", dim(2, -2, 1), true},
    {"bar", "100000000", dim(-1, -2, 1), true},
    {"atm", "101325000", dim(-1, -2, 1), false},
    {"m[Hg]", "133322000", dim(-1, -2, 1), true},
    {"m[H2O]", "9806650", dim(-1, -2, 1), true},
    {"l", "0.001", dim(3, 0, 0), true},
    {"L", "0.001", dim(3, 0, 0), true},
    {"t", "1000000", dim(0, 0, 1), true},
    {"u", "0.0000000000000000000000016605402", dim(0, 0, 1), true},
    {"min", "60", dim(0, 1, 0), false},
    {"h", "3600", dim(0, 1, 0), false},
    {"d", "86400", dim(0, 1, 0), false},
    {"wk", "604800", dim(0, 1, 0), false},
    {"mo", "2629800", dim(0, 1, 0), false},
    {"a", "31557600", dim(0, 1, 0), false},
    {"deg", "0.0174532925199432957692", dim(0, 0, 0, 1), false},
    {"[in_i]", "0.0254", dim(1, 0, 0), false},
    {"[ft_i]", "0.3048", dim(1, 0, 0), false},
    {"[yd_i]", "0.9144", dim(1, 0, 0), false},
    {"[mi_i]", "1609.344", dim(1, 0, 0), false},
    {"[lb_av]", "453.59237", dim(0, 0, 1), false},
    {"[oz_av]", "28.349523125", dim(0, 0, 1), false},
    {"[gr]", "0.06479891", dim(0, 0, 1), false},
    {"[stone_av]", "6350.29318", dim(0, 0, 1), false},
    {"[foz_us]", "0.0000295735295625", dim(3, 0, 0), false},
    {"[pt_us]", "0.000473176473", dim(3, 0, 0), false},
    {"[gal_us]", "0.003785411784", dim(3, 0, 0), false},
    {"[drp]", "0.00000005", dim(3, 0, 0), false},
    {"[iU]", "1", dim(0, 0, 0, 0, 0, 0, 0, 1), true},
    {"[IU]", "1", dim(0, 0, 0, 0, 0, 0, 0, 1), true},
    {"Cel", "1", dim(0, 0, 0, 0, 1), true, "273.15"},
    {"[degF]", "5", dim(0, 0, 0, 0, 1), false, "459.67", "9"},
};

struct Prefix {
  std::string_view symbol;
  Decimal factor;
};

constexpr Int128 pow10(int n) {
  Int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

const Prefix kPrefixes[] = {
    {"da", {10, 0}},       {"Y", {pow10(24), 0}}, {"Z", {pow10(21), 0}}, {"E", {pow10(18), 0}},
    {"P", {pow10(15), 0}}, {"T", {pow10(12), 0}}, {"G", {pow10(9), 0}},  {"M", {pow10(6), 0}},
    {"k", {1000, 0}},      {"h", {100, 0}},       {"d", {1, 1}},         {"c", {1, 2}},
    {"m", {1, 3}},         {"u", {1, 6}},         {"n", {1, 9}},         {"p", {1, 12}},
    {"f", {1, 15}},        {"a", {1, 18}},        {"z", {1, 21}},        {"y", {1, 24}},
};

const Atom* findAtom(std::string_view symbol) {
  for (const Atom& a : kAtoms) {
    if (a.symbol == symbol) return &a;
  }
  return nullptr;
}

Decimal parseFactor(std::string_view text) { return *Decimal::parse(text); }

struct Term {
  CanonicalUnit unit;
  bool special = false;
};

bool multiplyInto(CanonicalUnit& acc, const CanonicalUnit& u, int exponent) {
  const Decimal& up = exponent > 0 ? u.factor : u.divisor;
  const Decimal& down = exponent > 0 ? u.divisor : u.factor;
  for (int i = 0; i < std::abs(exponent); ++i) {
    auto f = multiply(acc.factor, up);
    auto d = multiply(acc.divisor, down);
    if (!f || !d) return false;
    acc.factor = *f;
    acc.divisor = *d;
  }
  for (std::size_t i = 0; i < acc.dims.size(); ++i) {
    acc.dims[i] = static_cast<int8_t>(acc.dims[i] + u.dims[i] * exponent);
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<Term> parseAll() {
    Term t;
    if (!term(t, 0) || pos_ != s_.size()) return std::nullopt;
    return t;
  }

 private:
  bool term(Term& out, int depth) {
    if (depth > 8) return false;
    int sign = 1;
    if (peek('/')) {
      ++pos_;
      sign = -1;
    }
    while (true) {
      Term c;
      if (!component(c, depth)) return false;
      if (c.special) {
        // Units with an offset cannot be multiplied: only a lone "Cel" is meaningful.
        if (depth != 0 || sign != 1 || pos_ != s_.size() || !isIdentity(out)) return false;
        out = c;
        return true;
      }
      if (!multiplyInto(out.unit, c.unit, sign)) return false;
      if (peek('.')) {
        sign = 1;
      } else if (peek('/')) {
        sign = -1;
      } else {
        return true;
      }
      ++pos_;
    }
  }

  static bool isIdentity(const Term& t) {
    return t.unit.dims == Dimensions{} && sameValue(t.unit.factor, Decimal{1, 0}) &&
           sameValue(t.unit.divisor, Decimal{1, 0});
  }

  bool component(Term& out, int depth) {
    if (peek('(')) {
      ++pos_;
      if (!term(out, depth + 1) || !peek(')')) return false;
      ++pos_;
      return applyExponent(out);
    }
    if (peek('{')) return annotation();
    const std::size_t start = pos_;
    int brackets = 0;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '[') ++brackets;
      if (c == ']') --brackets;
      if (brackets == 0 && (c == '.' || c == '/' || c == '(' || c == ')' || c == '{')) break;
      ++pos_;
    }
    if (brackets != 0 || pos_ == start) return false;
    std::string_view text = s_.substr(start, pos_ - start);
    if (!symbolWithExponent(text, out)) return false;
    if (peek('{')) return annotation();
    return true;
  }

  bool annotation() {
    std::size_t close = s_.find('}', pos_);
    if (close == std::string_view::npos) return false;
    pos_ = close + 1;
    return true;
  }

  /// A signed exponent of at most two digits ("2", "-1"); nullopt when malformed.
  static std::optional<int> exponentValue(std::string_view e) {
    bool negative = false;
    if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
      negative = e[0] == '-';
      e.remove_prefix(1);
    }
    if (e.empty() || e.size() > 2) return std::nullopt;
    int v = 0;
    for (char c : e) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  bool applyExponent(Term& t) {
    const std::size_t start = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == start) return true;
    auto e = exponentValue(s_.substr(start, pos_ - start));
    if (!e || t.special || *e == 0) return false;
    if (*e == 1) return true;
    CanonicalUnit base = t.unit;
    t.unit = {};
    return multiplyInto(t.unit, base, *e);
  }

  static bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  }

  bool symbolWithExponent(std::string_view text, Term& out) {
    if (allDigits(text)) {  // a plain factor such as "1000"
      if (text.size() > 18) return false;
      out.unit.factor = parseFactor(text);
      return true;
    }
    // The exponent is the trailing run of digits (with an optional sign) after the symbol.
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] >= '0' && text[end - 1] <= '9') --end;
    std::size_t symbolEnd = end;
    if (symbolEnd > 0 && symbolEnd < text.size() &&
        (text[symbolEnd - 1] == '-' || text[symbolEnd - 1] == '+')) {
      --symbolEnd;
    }
    std::string_view symbol = text.substr(0, symbolEnd);
    int exponent = 1;
    if (symbolEnd < text.size()) {
      auto e = exponentValue(text.substr(symbolEnd));
      if (!e) return false;
      exponent = *e;
    }
    if (!resolveSymbol(symbol, out)) return false;
    if (exponent == 1) return true;
    if (out.special || exponent == 0) return false;
    CanonicalUnit base = out.unit;
    out.unit = {};
    return multiplyInto(out.unit, base, exponent);
  }

  static bool resolveSymbol(std::string_view symbol, Term& out) {
    if (const Atom* a = findAtom(symbol)) return fromAtom(*a, Decimal{1, 0}, out);
    for (const Prefix& p : kPrefixes) {
      if (symbol.size() > p.symbol.size() && symbol.compare(0, p.symbol.size(), p.symbol) == 0) {
        const Atom* a = findAtom(symbol.substr(p.symbol.size()));
        if (a && a->metric) return fromAtom(*a, p.factor, out);
      }
    }
    return false;
  }

  static bool fromAtom(const Atom& a, const Decimal& prefix, Term& out) {
    auto f = multiply(parseFactor(a.factor), prefix);
    if (!f) return false;
    out.unit.factor = *f;
    out.unit.divisor = parseFactor(a.divisor);
    out.unit.dims = a.dims;
    out.unit.offset = parseFactor(a.offset);
    out.special = !out.unit.offset.isZero();
    return !out.special || prefix.mantissa == 1;
  }

  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<CanonicalUnit> parse(std::string_view unit) {
  if (unit.empty() || unit.size() > 256) return std::nullopt;
  auto t = Parser(unit).parseAll();
  if (!t) return std::nullopt;
  return t->unit;
}

std::optional<Decimal> toBase(const Decimal& value, const CanonicalUnit& unit) {
  auto shifted = add(value, unit.offset);
  auto scaled = shifted ? multiply(*shifted, unit.factor) : std::nullopt;
  if (!scaled) return std::nullopt;
  return divide(*scaled, unit.divisor);
}

std::optional<Decimal> fromBase(const Decimal& value, const CanonicalUnit& unit) {
  auto scaled = multiply(value, unit.divisor);
  auto inUnit = scaled ? divide(*scaled, unit.factor) : std::nullopt;
  if (!inUnit) return std::nullopt;
  return subtract(*inUnit, unit.offset);
}

std::optional<CrossValues> crossMultiply(const Decimal& a, const CanonicalUnit& ua, const Decimal& b,
                                         const CanonicalUnit& ub) {
  auto sa = add(a, ua.offset), sb = add(b, ub.offset);
  if (!sa || !sb) return std::nullopt;
  auto fa = multiply(*sa, ua.factor), fb = multiply(*sb, ub.factor);
  auto xa = fa ? multiply(*fa, ub.divisor) : std::nullopt;
  auto xb = fb ? multiply(*fb, ua.divisor) : std::nullopt;
  if (!xa || !xb) return std::nullopt;
  return CrossValues{*xa, *xb};
}

std::string baseUnitExpression(const Dimensions& dims) {
  static constexpr std::string_view kSymbols[] = {"m", "s", "g", "rad", "K", "C", "cd", "[iU]"};
  std::string numerator, denominator;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const int e = dims[i];
    if (e == 0) continue;
    std::string& side = e > 0 ? numerator : denominator;
    if (e > 0 && !side.empty()) side.push_back('.');
    if (e < 0) side.push_back('/');
    side.append(kSymbols[i]);
    const int magnitude = e < 0 ? -e : e;
    if (magnitude != 1) side.append(std::to_string(magnitude));
  }
  if (numerator.empty()) numerator = "1";
  return numerator + denominator;
}

}  // namespace renkei::fhirpath::ucum

// now(), today(), timeOfDay(), and the precision functions lowBoundary(), highBoundary(),
// precision() and comparable().
#include "engine.h"
#include "quantity_ops.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;

constexpr int kMaxDecimalBoundaryPrecision = 31;
constexpr std::string_view kHalfUnit = "50000000000000000000000000000";

/// The decimal text one unit in the last place lower ("1.587" → "1.586", "120" → "119").
std::string minusOneUlp(std::string s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == '.') continue;
    if (s[i] == '0') {
      s[i] = '9';
      continue;
    }
    --s[i];
    break;
  }
  return s;
}

/// Cuts or pads `v` (a positive decimal text) to `places` decimals; rounding up from the first
/// dropped digit unless `down`.
std::string applyPrecision(const std::string& v, int places, bool down) {
  std::size_t point = v.find('.');
  std::string whole = point == std::string::npos ? v : v.substr(0, point);
  std::string fraction = point == std::string::npos ? std::string() : v.substr(point + 1);
  const int have = static_cast<int>(fraction.size());
  bool roundUp = false;
  if (places < have) {
    roundUp = !down && fraction[static_cast<std::size_t>(places)] >= '5';
    fraction.resize(static_cast<std::size_t>(places));
  } else {
    fraction.append(static_cast<std::size_t>(places - have), '0');
  }
  std::string digits = whole + fraction;
  if (roundUp) {
    std::size_t i = digits.size();
    while (i-- > 0) {
      if (digits[i] == '9') {
        digits[i] = '0';
        continue;
      }
      ++digits[i];
      break;
    }
    if (i == static_cast<std::size_t>(-1)) digits.insert(digits.begin(), '1');
  }
  std::string out = digits.substr(0, digits.size() - fraction.size());
  if (!fraction.empty()) out += "." + digits.substr(digits.size() - fraction.size());
  return out;
}

bool isZeroText(std::string_view s) {
  for (char c : s) {
    if (c != '0' && c != '.' && c != '-') return false;
  }
  return true;
}

/// Boundaries of a decimal as the reference implementation computes them: half a unit in the
/// last place either side, then cut (low) or rounded (high) to the requested decimals.
std::string decimalBoundary(std::string_view text, int places, bool high) {
  if (isZeroText(text)) {
    return applyPrecision(high ? "0." + std::string(kHalfUnit) : "-0." + std::string(kHalfUnit),
                          places, !high);
  }
  if (text[0] == '-') return "-" + decimalBoundary(text.substr(1), places, !high);
  std::string base(text);
  if (!high) base = minusOneUlp(base);
  if (base.find('.') == std::string::npos) base.push_back('.');
  base.append(kHalfUnit);
  return applyPrecision(base, places, !high);
}

Status boundary(Call& c, const Item& v, bool high) {
  Engine& e = c.engine;
  std::optional<int64_t> places;
  if (c.node.argCount > 0) {
    auto p = c.integerArg(0);
    if (!p.ok()) return p.status();
    if (!p->has_value()) return {};
    places = **p;
    if (*places < 0) return {};
  }
  auto forDecimal = [&](const Decimal& d) -> std::optional<Decimal> {
    const int64_t digits = places.value_or(8);
    if (digits > kMaxDecimalBoundaryPrecision) return std::nullopt;
    return Decimal::parse(decimalBoundary(d.toString(), static_cast<int>(digits), high));
  };
  switch (v.type) {
    case ValueType::Integer:
    case ValueType::Decimal: {
      auto d = forDecimal(v.type == ValueType::Integer ? Decimal::fromInteger(v.integer) : *v.decimal);
      if (d) e.push(c.out, e.makeDecimal(*d));
      return {};
    }
    case ValueType::Quantity: {
      auto d = forDecimal(v.quantity->value);
      if (d) e.push(c.out, e.makeQuantity(Quantity{*d, v.quantity->unit, v.quantity->calendar}));
      return {};
    }
    case ValueType::Date:
    case ValueType::DateTime:
    case ValueType::Time: {
      const Temporal& t = *v.temporal;
      const int digits = places ? static_cast<int>(std::min<int64_t>(*places, 99))
                         : t.kind == TemporalKind::Date ? 8
                         : t.kind == TemporalKind::Time ? 9
                                                        : 17;
      auto r = high ? highBoundary(t, digits) : lowBoundary(t, digits);
      if (r) e.push(c.out, e.makeTemporal(*r));
      return {};
    }
    default:
      return c.error("needs a Decimal, Date, DateTime, Time or Quantity");
  }
}

Temporal today(const Temporal& now) {
  Temporal t = now;
  t.kind = TemporalKind::Date;
  t.precision = TemporalPrecision::Day;
  t.hasTimezone = t.zulu = false;
  t.offsetMinutes = 0;
  t.hour = t.minute = t.second = 0;
  t.millisecond = 0;
  return t;
}

}  // namespace

Status temporalFunction(Call& c) {
  Engine& e = c.engine;
  switch (c.node.function) {
    case F::Now: e.push(c.out, e.makeTemporal(e.now())); return {};
    case F::Today: e.push(c.out, e.makeTemporal(today(e.now()))); return {};
    case F::TimeOfDay: {
      Temporal t = e.now();
      t.kind = TemporalKind::Time;
      t.hasTimezone = t.zulu = false;
      e.push(c.out, e.makeTemporal(t));
      return {};
    }
    default:
      break;
  }
  auto input = c.inputValue();
  if (!input.ok()) return input.status();
  if (!input->has_value()) return {};
  const Item v = **input;
  switch (c.node.function) {
    case F::LowBoundary: return boundary(c, v, false);
    case F::HighBoundary: return boundary(c, v, true);
    case F::Precision:
      switch (v.type) {
        case ValueType::Integer: e.push(c.out, Item::ofInteger(0)); return {};
        case ValueType::Decimal: e.push(c.out, Item::ofInteger(v.decimal->scale)); return {};
        case ValueType::Date: case ValueType::DateTime: case ValueType::Time:
          e.push(c.out, Item::ofInteger(precisionDigits(*v.temporal)));
          return {};
        default: return c.error("needs a Decimal, Date, DateTime or Time");
      }
    case F::Comparable: {
      Collection other;
      RENKEI_RETURN_IF_ERROR(c.arg(0, other));
      if (other.empty()) return {};
      auto o = e.value(other[0]);
      if (v.type != ValueType::Quantity || !o || o->type != ValueType::Quantity) {
        return c.error("needs Quantities");
      }
      e.push(c.out, Item::ofBoolean(compareQuantities(*v.quantity, *o->quantity, true).has_value()));
      return {};
    }
    default:
      return c.error("not a temporal function");
  }
}

}  // namespace renkei::fhirpath

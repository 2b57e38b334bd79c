// Math functions: abs(), ceiling(), floor(), truncate(), round(), exp(), ln(), log(),
// power(), sqrt(). Exact on Decimals where the result is exact; through double otherwise.
#include <cmath>

#include "engine.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;

Decimal asDecimal(const Item& i) {
  return i.type == ValueType::Integer ? Decimal::fromInteger(i.integer) : *i.decimal;
}

Status pushDouble(Call& c, double v) {
  if (auto d = Decimal::fromDouble(v)) c.engine.push(c.out, c.engine.makeDecimal(*d));
  return {};
}

Status power(Call& c, const Item& base) {
  Collection exponentValues;
  RENKEI_RETURN_IF_ERROR(c.arg(0, exponentValues));
  if (exponentValues.empty()) return {};
  if (exponentValues.size > 1) return c.error("the exponent must be a single number");
  auto exponent = c.engine.value(exponentValues[0]);
  if (!exponent) return {};
  if (exponent->type != ValueType::Integer && exponent->type != ValueType::Decimal) {
    return c.error("the exponent must be a number");
  }
  if (base.type == ValueType::Integer && exponent->type == ValueType::Integer && exponent->integer >= 0) {
    int64_t result = 1;
    for (int64_t i = 0; i < exponent->integer; ++i) {
      if (__builtin_mul_overflow(result, base.integer, &result)) return {};
    }
    c.engine.push(c.out, Item::ofInteger(result));
    return {};
  }
  const double r = std::pow(asDecimal(base).toDouble(), asDecimal(*exponent).toDouble());
  return pushDouble(c, r);
}

}  // namespace

Status mathFunction(Call& c) {
  Engine& e = c.engine;
  auto input = c.inputValue();
  if (!input.ok()) return input.status();
  if (!input->has_value()) return {};
  const Item v = **input;
  if (v.type == ValueType::Quantity) {
    const Quantity& q = *v.quantity;
    std::optional<Decimal> r;
    switch (c.node.function) {
      case F::Abs: r = q.value.isNegative() ? negate(q.value) : q.value; break;
      case F::Round: r = roundTo(q.value, 0); break;
      default: return c.error("needs a number, not a Quantity");
    }
    e.push(c.out, e.makeQuantity(Quantity{*r, q.unit, q.calendar}));
    return {};
  }
  if (v.type != ValueType::Integer && v.type != ValueType::Decimal) {
    return c.error("needs an Integer or Decimal input");
  }
  const bool integer = v.type == ValueType::Integer;
  const Decimal d = asDecimal(v);
  auto pushInteger = [&](std::optional<int64_t> i) {
    if (i) e.push(c.out, Item::ofInteger(*i));
    return Status{};
  };
  switch (c.node.function) {
    case F::Abs:
      if (integer) return pushInteger(v.integer == INT64_MIN ? std::nullopt : std::optional<int64_t>(std::llabs(v.integer)));
      e.push(c.out, e.makeDecimal(d.isNegative() ? negate(d) : d));
      return {};
    case F::Ceiling: return pushInteger(ceilingToInteger(d));
    case F::Floor: return pushInteger(floorToInteger(d));
    case F::Truncate: return pushInteger(truncateToInteger(d));
    case F::Round: {
      int64_t places = 0;
      if (c.node.argCount > 0) {
        auto p = c.integerArg(0);
        if (!p.ok()) return p.status();
        if (!p->has_value()) return {};
        places = **p;
        if (places < 0) return c.error("the precision must not be negative");
      }
      e.push(c.out, e.makeDecimal(roundTo(d, static_cast<int>(std::min<int64_t>(places, 38)))));
      return {};
    }
    case F::Exp: return pushDouble(c, std::exp(d.toDouble()));
    case F::Ln:
      if (compare(d, Decimal{}) <= 0) return {};
      return pushDouble(c, std::log(d.toDouble()));
    case F::Log: {
      Collection baseValues;
      RENKEI_RETURN_IF_ERROR(c.arg(0, baseValues));
      if (baseValues.empty()) return {};
      auto base = e.value(baseValues[0]);
      if (!base || (base->type != ValueType::Integer && base->type != ValueType::Decimal)) {
        return c.error("the base must be a number");
      }
      const double b = asDecimal(*base).toDouble(), x = d.toDouble();
      if (x <= 0 || b <= 0 || b == 1) return {};
      return pushDouble(c, std::log(x) / std::log(b));
    }
    case F::Power: return power(c, v);
    case F::Sqrt:
      if (d.isNegative()) return {};
      return pushDouble(c, std::sqrt(d.toDouble()));
    default:
      return c.error("not a math function");
  }
}

}  // namespace renkei::fhirpath

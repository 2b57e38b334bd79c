// Conversion functions: toBoolean(), toInteger(), toDecimal(), toString(), toDate(),
// toDateTime(), toTime(), toQuantity() and their convertsTo...() questions.
#include "compare.h"
#include "engine.h"
#include "quantity_ops.h"
#include "renkei/core/ascii.h"
#include "ucum.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;

bool isIntegerText(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size() || s.size() - i > 18) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool isDecimalText(std::string_view s) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  bool digits = false, point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
    } else if (s[i] == '.' && digits && !point && i + 1 < s.size()) {
      point = true;
    } else {
      return false;
    }
  }
  return digits;
}

std::optional<Item> toBoolean(const Item& v) {
  switch (v.type) {
    case ValueType::Boolean: return v;
    case ValueType::Integer:
      if (v.integer == 0 || v.integer == 1) return Item::ofBoolean(v.integer == 1);
      return std::nullopt;
    case ValueType::Decimal:
      if (v.decimal->isZero()) return Item::ofBoolean(false);
      if (sameValue(*v.decimal, Decimal{1, 0})) return Item::ofBoolean(true);
      return std::nullopt;
    case ValueType::String: {
      std::string_view s = v.str();
      for (std::string_view t : {"true", "t", "yes", "y", "1", "1.0"}) {
        if (equalsIgnoringAsciiCase(s, t)) return Item::ofBoolean(true);
      }
      for (std::string_view f : {"false", "f", "no", "n", "0", "0.0"}) {
        if (equalsIgnoringAsciiCase(s, f)) return Item::ofBoolean(false);
      }
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<Item> toInteger(const Item& v) {
  switch (v.type) {
    case ValueType::Integer: return v;
    case ValueType::Boolean: return Item::ofInteger(v.boolean ? 1 : 0);
    case ValueType::String:
      if (!isIntegerText(v.str())) return std::nullopt;
      return Item::ofInteger(static_cast<int64_t>(Decimal::parse(v.str())->mantissa));
    default: return std::nullopt;
  }
}

std::optional<Item> toDecimal(Engine& e, const Item& v) {
  switch (v.type) {
    case ValueType::Decimal: return v;
    case ValueType::Integer: return e.makeDecimal(Decimal::fromInteger(v.integer));
    case ValueType::Boolean: return e.makeDecimal(Decimal{v.boolean ? 10 : 0, 1});
    case ValueType::String:
      if (!isDecimalText(v.str())) return std::nullopt;
      if (auto d = Decimal::parse(v.str())) return e.makeDecimal(*d);
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<Item> toTemporal(Engine& e, const Item& v, TemporalKind kind) {
  if (v.type == ValueType::String) {
    std::optional<Temporal> t = Temporal::parse(v.str(), kind);
    if (!t && kind == TemporalKind::Time && !v.str().empty() && v.str()[0] == 'T') {
      t = Temporal::parse(v.str().substr(1), kind);
    }
    if (!t) return std::nullopt;
    return e.makeTemporal(*t);
  }
  if (v.type == ValueType::Time) return kind == TemporalKind::Time ? std::optional<Item>(v) : std::nullopt;
  if (v.type != ValueType::Date && v.type != ValueType::DateTime) return std::nullopt;
  if (kind == TemporalKind::Time) return std::nullopt;
  Temporal t = *v.temporal;
  t.kind = kind;
  if (kind == TemporalKind::Date) {
    if (t.precision > TemporalPrecision::Day) t.precision = TemporalPrecision::Day;
    t.hasTimezone = t.zulu = false;
    t.offsetMinutes = 0;
    t.hour = t.minute = t.second = 0;
    t.millisecond = 0;
  }
  return e.makeTemporal(t);
}

std::optional<Item> toQuantity(Engine& e, const Item& v, std::optional<std::string_view> unit) {
  std::optional<Quantity> q;
  switch (v.type) {
    case ValueType::Quantity: q = *v.quantity; break;
    case ValueType::Integer: q = Quantity{Decimal::fromInteger(v.integer), "1", false}; break;
    case ValueType::Decimal: q = Quantity{*v.decimal, "1", false}; break;
    case ValueType::Boolean: q = Quantity{Decimal{v.boolean ? 10 : 0, 1}, "1", false}; break;
    case ValueType::String: {
      auto parsed = parseQuantityText(v.str());
      if (!parsed) return std::nullopt;
      q = Quantity{parsed->value, e.copyString(parsed->unit), parsed->calendar};
      break;
    }
    default: return std::nullopt;
  }
  if (unit && *unit != q->unit) {
    auto from = ucum::parse(q->calendar ? std::string_view() : q->unit);
    auto to = ucum::parse(*unit);
    if (!from || !to || from->dims != to->dims) return std::nullopt;
    auto base = ucum::toBase(q->value, *from);
    auto converted = base ? ucum::fromBase(*base, *to) : std::nullopt;
    if (!converted) return std::nullopt;
    q = Quantity{*converted, e.copyString(*unit), false};
  }
  return e.makeQuantity(*q);
}

}  // namespace

Status conversionFunction(Call& c) {
  Engine& e = c.engine;
  auto input = c.inputValue();
  if (!input.ok()) return input.status();
  if (!input->has_value()) return {};
  const Item v = **input;
  if (v.type == ValueType::Node) {
    // A complex element converts to nothing: convertsTo...() says false, to...() is empty.
    const bool question = c.node.name.rfind("convertsTo", 0) == 0;
    if (question) e.push(c.out, Item::ofBoolean(false));
    return {};
  }
  std::optional<Item> r;
  bool question = false;
  switch (c.node.function) {
    case F::ConvertsToBoolean: question = true; [[fallthrough]];
    case F::ToBoolean: r = toBoolean(v); break;
    case F::ConvertsToInteger: question = true; [[fallthrough]];
    case F::ToInteger: r = toInteger(v); break;
    case F::ConvertsToDecimal: question = true; [[fallthrough]];
    case F::ToDecimal: r = toDecimal(e, v); break;
    case F::ConvertsToString: question = true; [[fallthrough]];
    case F::ToString: {
      auto text = itemText(e, v);
      if (text) r = e.makeString(*text);
      break;
    }
    case F::ConvertsToDate: question = true; [[fallthrough]];
    case F::ToDate: r = toTemporal(e, v, TemporalKind::Date); break;
    case F::ConvertsToDateTime: question = true; [[fallthrough]];
    case F::ToDateTime: r = toTemporal(e, v, TemporalKind::DateTime); break;
    case F::ConvertsToTime: question = true; [[fallthrough]];
    case F::ToTime: r = toTemporal(e, v, TemporalKind::Time); break;
    case F::ConvertsToQuantity: question = true; [[fallthrough]];
    case F::ToQuantity: {
      std::optional<std::string_view> unit;
      if (c.node.argCount > 0) {
        auto u = c.stringArg(0);
        if (!u.ok()) return u.status();
        if (!u->has_value()) return {};
        unit = **u;
      }
      r = toQuantity(e, v, unit);
      break;
    }
    default:
      return c.error("not a conversion function");
  }
  if (question) {
    e.push(c.out, Item::ofBoolean(r.has_value()));
  } else if (r) {
    e.push(c.out, *r);
  }
  return {};
}

}  // namespace renkei::fhirpath

// Quantity comparison and arithmetic (see quantity_ops.h).
#include "quantity_ops.h"

#include "ucum.h"

namespace renkei::fhirpath {
namespace {

struct CalendarUnit {
  std::string_view singular;
  std::string_view ucum;
  std::optional<DurationUnit> duration;
  bool definite;  ///< a fixed length (weeks and shorter)
};

constexpr CalendarUnit kCalendar[] = {
    {"year", "a", DurationUnit::Year, false},
    {"month", "mo", DurationUnit::Month, false},
    {"week", "wk", DurationUnit::Week, true},
    {"day", "d", DurationUnit::Day, true},
    {"hour", "h", DurationUnit::Hour, true},
    {"minute", "min", DurationUnit::Minute, true},
    {"second", "s", DurationUnit::Second, true},
    {"millisecond", "ms", DurationUnit::Millisecond, true},
};

const CalendarUnit* calendarUnit(std::string_view keyword) {
  if (keyword.size() > 1 && keyword.back() == 's') keyword.remove_suffix(1);
  for (const CalendarUnit& u : kCalendar) {
    if (u.singular == keyword) return &u;
  }
  return nullptr;
}

/// The UCUM unit a quantity is measured in for conversion purposes.
std::optional<std::string_view> ucumUnit(const Quantity& q, bool allowNominal) {
  if (!q.calendar) return q.unit;
  const CalendarUnit* c = calendarUnit(q.unit);
  if (c == nullptr || (!c->definite && !allowNominal)) return std::nullopt;
  return c->ucum;
}

/// Months in a calendar year/month quantity (nullopt for other units).
std::optional<Decimal> calendarMonths(const Quantity& q) {
  if (!q.calendar) return std::nullopt;
  const CalendarUnit* c = calendarUnit(q.unit);
  if (c == nullptr || c->definite) return std::nullopt;
  if (c->duration == DurationUnit::Month) return q.value;
  return multiply(q.value, Decimal{12, 0});
}

/// Two numbers that compare as the quantities do.
struct BaseValues {
  Decimal a, b;
};

std::optional<BaseValues> toCommonBase(const Quantity& a, const Quantity& b, bool forEquivalence) {
  if (a.calendar && b.calendar) {
    auto ma = calendarMonths(a), mb = calendarMonths(b);
    if (ma && mb) return BaseValues{*ma, *mb};
    if (ma || mb) return std::nullopt;  // years/months against weeks or days
  } else if ((a.calendar && calendarMonths(a)) || (b.calendar && calendarMonths(b))) {
    if (!forEquivalence) return std::nullopt;  // a calendar month is not 'mo' (30.4375 days)
  }
  auto ua = ucumUnit(a, forEquivalence), ub = ucumUnit(b, forEquivalence);
  if (!ua || !ub) return std::nullopt;
  if (*ua == *ub) return BaseValues{a.value, b.value};
  auto ca = ucum::parse(*ua), cb = ucum::parse(*ub);
  if (!ca || !cb || ca->dims != cb->dims) return std::nullopt;
  auto cross = ucum::crossMultiply(a.value, *ca, b.value, *cb);
  if (!cross) return std::nullopt;
  return BaseValues{cross->a, cross->b};
}

}  // namespace

std::optional<int> compareQuantities(const Quantity& a, const Quantity& b, bool forEquivalence) {
  auto base = toCommonBase(a, b, forEquivalence);
  if (!base) return std::nullopt;
  return compare(base->a, base->b);
}

std::optional<bool> quantitiesEqual(const Quantity& a, const Quantity& b) {
  auto c = compareQuantities(a, b, false);
  if (!c) return std::nullopt;
  return *c == 0;
}

bool quantitiesEquivalent(const Quantity& a, const Quantity& b) {
  auto base = toCommonBase(a, b, true);
  return base && equivalent(base->a, base->b);
}

bool unitsComparable(std::string_view a, std::string_view b) {
  auto ca = ucum::parse(a), cb = ucum::parse(b);
  return ca && cb && ca->dims == cb->dims;
}

std::optional<QuantityResult> combineQuantities(const Quantity& a, const Quantity& b,
                                                QuantityOp op) {
  if (op == QuantityOp::Add || op == QuantityOp::Subtract) {
    std::optional<Decimal> bInA;
    if (a.calendar == b.calendar && calendarUnit(a.unit) == calendarUnit(b.unit) &&
        (a.calendar || a.unit == b.unit)) {
      bInA = b.value;
    } else {
      auto ua = ucumUnit(a, false), ub = ucumUnit(b, false);
      if (!ua || !ub) return std::nullopt;
      auto ca = ucum::parse(*ua), cb = ucum::parse(*ub);
      if (!ca || !cb || ca->dims != cb->dims) return std::nullopt;
      auto vb = ucum::toBase(b.value, *cb);
      if (!vb) return std::nullopt;
      bInA = ucum::fromBase(*vb, *ca);
    }
    if (!bInA) return std::nullopt;
    auto v = op == QuantityOp::Add ? add(a.value, *bInA) : subtract(a.value, *bInA);
    if (!v) return std::nullopt;
    return QuantityResult{*v, std::string(a.unit), a.calendar};
  }
  auto ua = ucumUnit(a, false), ub = ucumUnit(b, false);
  if (!ua || !ub) return std::nullopt;
  auto ca = ucum::parse(*ua), cb = ucum::parse(*ub);
  if (!ca || !cb || !ca->offset.isZero() || !cb->offset.isZero()) return std::nullopt;
  auto va = ucum::toBase(a.value, *ca), vb = ucum::toBase(b.value, *cb);
  if (!va || !vb) return std::nullopt;
  ucum::Dimensions dims{};
  for (std::size_t i = 0; i < dims.size(); ++i) {
    dims[i] = static_cast<int8_t>(op == QuantityOp::Multiply ? ca->dims[i] + cb->dims[i]
                                                             : ca->dims[i] - cb->dims[i]);
  }
  auto v = op == QuantityOp::Multiply ? multiply(*va, *vb) : divide(*va, *vb);
  if (!v) return std::nullopt;
  return QuantityResult{*v, ucum::baseUnitExpression(dims), false};
}

std::optional<DurationUnit> durationUnitOf(const Quantity& q) {
  if (q.calendar) {
    const CalendarUnit* c = calendarUnit(q.unit);
    if (c == nullptr) return std::nullopt;
    return c->duration;
  }
  for (const CalendarUnit& c : kCalendar) {
    if (c.definite && c.ucum == q.unit) return c.duration;
  }
  // A calendar word in quotes ('month') is still that calendar duration.
  if (const CalendarUnit* c = calendarUnit(q.unit)) return c->duration;
  return std::nullopt;
}

std::string quantityText(const Quantity& q) {
  std::string s = q.value.toString();
  s.push_back(' ');
  if (q.calendar) {
    s.append(q.unit);
  } else {
    s.push_back('\'');
    s.append(q.unit);
    s.push_back('\'');
  }
  return s;
}

std::optional<QuantityResult> parseQuantityText(std::string_view text) {
  std::size_t space = text.find(' ');
  auto value = Decimal::parse(text.substr(0, space));
  if (!value) return std::nullopt;
  if (space == std::string_view::npos) return QuantityResult{*value, "1", false};
  std::string_view unit = text.substr(space + 1);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.size() >= 2 && unit.front() == '\'' && unit.back() == '\'') {
    std::string u(unit.substr(1, unit.size() - 2));
    if (u.empty() || u.find('\'') != std::string::npos) return std::nullopt;
    return QuantityResult{*value, u, false};
  }
  if (calendarUnit(unit) == nullptr) return std::nullopt;
  return QuantityResult{*value, std::string(unit), true};
}

}  // namespace renkei::fhirpath

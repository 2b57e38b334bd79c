// Binary and unary operators: three-valued logic, equality and equivalence, comparison,
// membership, union, arithmetic on numbers, strings, quantities and dates.
#include <algorithm>

#include "compare.h"
#include "engine.h"
#include "quantity_ops.h"

namespace renkei::fhirpath {
namespace {

std::string_view opText(BinaryOp op) {
  static constexpr std::string_view kText[] = {
      "*", "/", "div", "mod", "+", "-", "&", "|", "<", ">", "<=", ">=", "=", "!=", "~", "!~",
      "in", "contains", "and", "or", "xor", "implies"};
  return kText[static_cast<int>(op)];
}

std::string_view typeName(const Item& i) {
  if (i.type == ValueType::Node) return "an element";
  if (i.type == ValueType::TypeInfo) return "a type";
  return systemTypeName(i.type);
}

/// The boolean reading of an operand (empty: unknown; one non-Boolean item: true).
Result<std::optional<bool>> logical(Engine& e, const AstNode& n, ItemSpan v) {
  if (v.empty()) return std::optional<bool>();
  if (v.size > 1) return e.error(n, "'" + std::string(opText(n.op)) + "' needs single items");
  auto value = e.value(v[0]);
  if (!value) return std::optional<bool>();
  return std::optional<bool>(value->type != ValueType::Boolean || value->boolean);
}

Status evalLogical(Engine& e, const AstNode& n, const Frame& f, Collection& out) {
  Collection leftStorage;
  ItemSpan left;
  RENKEI_RETURN_IF_ERROR(e.evalSpan(n.arg(0), f, leftStorage, left));
  auto l = logical(e, n, left);
  if (!l.ok()) return l.status();
  const std::optional<bool> a = *l;
  // Short cuts that make the right side irrelevant.
  if ((n.op == BinaryOp::And && a == false) || (n.op == BinaryOp::Or && a == true)) {
    e.push(out, Item::ofBoolean(*a));
    return {};
  }
  if (n.op == BinaryOp::Implies && a == false) {
    e.push(out, Item::ofBoolean(true));
    return {};
  }
  Collection rightStorage;
  ItemSpan right;
  RENKEI_RETURN_IF_ERROR(e.evalSpan(n.arg(1), f, rightStorage, right));
  auto r = logical(e, n, right);
  if (!r.ok()) return r.status();
  const std::optional<bool> b = *r;
  std::optional<bool> result;
  switch (n.op) {
    case BinaryOp::And:
      if (b == false) result = false;
      else if (a && b) result = true;
      break;
    case BinaryOp::Or:
      if (b == true) result = true;
      else if (a && b) result = false;
      break;
    case BinaryOp::Xor:
      if (a && b) result = *a != *b;
      break;
    default:  // implies; a is true or unknown here
      if (b == true) result = true;
      else if (a && b) result = false;
      break;
  }
  if (result) e.push(out, Item::ofBoolean(*result));
  return {};
}

Status checkSingle(Engine& e, const AstNode& n, ItemSpan v) {
  if (v.size > 1) {
    return e.error(n, "'" + std::string(opText(n.op)) + "' needs single items, not a collection of " +
                          std::to_string(v.size));
  }
  return {};
}

Decimal asDecimal(const Item& i) {
  return i.type == ValueType::Integer ? Decimal::fromInteger(i.integer) : *i.decimal;
}
bool isNumber(const Item& i) { return i.type == ValueType::Integer || i.type == ValueType::Decimal; }
bool isTemporal(const Item& i) {
  return i.type == ValueType::Date || i.type == ValueType::DateTime || i.type == ValueType::Time;
}

Status integerArithmetic(Engine& e, BinaryOp op, int64_t a, int64_t b, Collection& out) {
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
    case BinaryOp::Add: overflow = __builtin_add_overflow(a, b, &r); break;
    case BinaryOp::Subtract: overflow = __builtin_sub_overflow(a, b, &r); break;
    case BinaryOp::Multiply: overflow = __builtin_mul_overflow(a, b, &r); break;
    case BinaryOp::Div:
      if (b == 0 || (a == INT64_MIN && b == -1)) return {};
      r = a / b;
      break;
    case BinaryOp::Mod:
      if (b == 0 || (a == INT64_MIN && b == -1)) return {};
      r = a % b;
      break;
    default: {
      auto q = divide(Decimal::fromInteger(a), Decimal::fromInteger(b));
      if (q) e.push(out, e.makeDecimal(*q));
      return {};
    }
  }
  if (!overflow) e.push(out, Item::ofInteger(r));
  return {};
}

Status decimalArithmetic(Engine& e, BinaryOp op, const Decimal& a, const Decimal& b,
                         Collection& out) {
  std::optional<Decimal> r;
  switch (op) {
    case BinaryOp::Add: r = add(a, b); break;
    case BinaryOp::Subtract: r = subtract(a, b); break;
    case BinaryOp::Multiply: r = multiply(a, b); break;
    case BinaryOp::Divide: r = divide(a, b); break;
    case BinaryOp::Div: {
      auto q = integerDivide(a, b);
      if (!q) return {};
      auto i = truncateToInteger(*q);
      if (i) e.push(out, Item::ofInteger(*i));
      return {};
    }
    default: r = modulo(a, b); break;
  }
  if (r) e.push(out, e.makeDecimal(*r));
  return {};
}

Status temporalArithmetic(Engine& e, const AstNode& n, const Temporal& t, const Quantity& q,
                          Collection& out) {
  auto unit = durationUnitOf(q);
  if (!unit) {
    return e.error(n, "'" + std::string(q.unit) + "' is not a unit that can be added to a date or time");
  }
  auto amount = truncateToInteger(q.value);
  if (!amount) return {};
  auto r = addDuration(t, n.op == BinaryOp::Subtract ? -*amount : *amount, *unit);
  if (!r) {
    if (t.kind == TemporalKind::Time) {
      return e.error(n, "'" + std::string(q.unit) + "' cannot be added to a Time");
    }
    return {};
  }
  e.push(out, e.makeTemporal(*r));
  return {};
}

Status quantityArithmetic(Engine& e, const AstNode& n, const Item& a, const Item& b,
                          Collection& out) {
  const BinaryOp op = n.op;
  if (a.type == ValueType::Quantity && b.type == ValueType::Quantity) {
    if (op == BinaryOp::Div || op == BinaryOp::Mod) return e.error(n, "div and mod do not apply to quantities");
    const QuantityOp qop = op == BinaryOp::Add        ? QuantityOp::Add
                           : op == BinaryOp::Subtract ? QuantityOp::Subtract
                           : op == BinaryOp::Multiply ? QuantityOp::Multiply
                                                      : QuantityOp::Divide;
    auto r = combineQuantities(*a.quantity, *b.quantity, qop);
    if (!r) {
      if (qop == QuantityOp::Add || qop == QuantityOp::Subtract) {
        return e.error(n, "'" + std::string(a.quantity->unit) + "' and '" +
                              std::string(b.quantity->unit) + "' are not compatible units");
      }
      return {};
    }
    e.push(out, e.makeQuantity(Quantity{r->value, e.copyString(r->unit), r->calendar}));
    return {};
  }
  // A quantity scaled by a number.
  const bool quantityFirst = a.type == ValueType::Quantity;
  const Quantity& q = quantityFirst ? *a.quantity : *b.quantity;
  const Decimal factor = asDecimal(quantityFirst ? b : a);
  std::optional<Decimal> v;
  if (op == BinaryOp::Multiply) {
    v = multiply(q.value, factor);
  } else if (op == BinaryOp::Divide && quantityFirst) {
    v = divide(q.value, factor);
  } else {
    return e.error(n, "'" + std::string(opText(op)) + "' cannot combine a Quantity and a number");
  }
  if (v) e.push(out, e.makeQuantity(Quantity{*v, q.unit, q.calendar}));
  return {};
}

Status arithmetic(Engine& e, const AstNode& n, const Item& a0, const Item& b0, Collection& out) {
  auto va = e.value(a0), vb = e.value(b0);
  if (!va || !vb) return {};
  const Item& a = *va;
  const Item& b = *vb;
  const BinaryOp op = n.op;
  if (a.type == ValueType::Integer && b.type == ValueType::Integer) {
    return integerArithmetic(e, op, a.integer, b.integer, out);
  }
  if (isNumber(a) && isNumber(b)) return decimalArithmetic(e, op, asDecimal(a), asDecimal(b), out);
  if (op == BinaryOp::Add && a.type == ValueType::String && b.type == ValueType::String) {
    std::string s(a.str());
    s.append(b.str());
    e.push(out, e.makeString(s));
    return {};
  }
  if (isTemporal(a) && b.type == ValueType::Quantity &&
      (op == BinaryOp::Add || op == BinaryOp::Subtract)) {
    return temporalArithmetic(e, n, *a.temporal, *b.quantity, out);
  }
  if ((a.type == ValueType::Quantity && (b.type == ValueType::Quantity || isNumber(b))) ||
      (isNumber(a) && b.type == ValueType::Quantity)) {
    return quantityArithmetic(e, n, a, b, out);
  }
  return e.error(n, "'" + std::string(opText(op)) + "' cannot combine " +
                        std::string(typeName(a)) + " and " + std::string(typeName(b)));
}

Status concatenate(Engine& e, const AstNode& n, ItemSpan l, ItemSpan r, Collection& out) {
  std::string s;
  for (ItemSpan side : {l, r}) {
    if (side.empty()) continue;
    auto v = e.value(side[0]);
    if (!v) continue;
    if (v->type != ValueType::String) return e.error(n, "'&' needs Strings");
    s.append(v->str());
  }
  e.push(out, e.makeString(s));
  return {};
}

}  // namespace

Status evalNegate(Engine& e, const AstNode& n, ItemSpan operand, Collection& out) {
  if (operand.empty()) return {};
  if (operand.size > 1) return e.error(n, "'-' needs a single item");
  auto v = e.value(operand[0]);
  if (!v) return {};
  switch (v->type) {
    case ValueType::Integer:
      if (v->integer != INT64_MIN) e.push(out, Item::ofInteger(-v->integer));
      return {};
    case ValueType::Decimal: e.push(out, e.makeDecimal(negate(*v->decimal))); return {};
    case ValueType::Quantity:
      e.push(out, e.makeQuantity(Quantity{negate(v->quantity->value), v->quantity->unit,
                                          v->quantity->calendar}));
      return {};
    default: return e.error(n, "'-' cannot negate " + std::string(typeName(*v)));
  }
}

Status evalBinary(Engine& e, const AstNode& n, const Frame& f, Collection& out) {
  switch (n.op) {
    case BinaryOp::And: case BinaryOp::Or: case BinaryOp::Xor: case BinaryOp::Implies:
      return evalLogical(e, n, f, out);
    default:
      break;
  }
  Collection leftStorage, rightStorage;
  ItemSpan l, r;
  RENKEI_RETURN_IF_ERROR(e.evalSpan(n.arg(0), f, leftStorage, l));
  RENKEI_RETURN_IF_ERROR(e.evalSpan(n.arg(1), f, rightStorage, r));
  switch (n.op) {
    case BinaryOp::Union: {
      const std::size_t start = out.size;
      appendDistinct(e, l, out, start);
      appendDistinct(e, r, out, start);
      return {};
    }
    case BinaryOp::Equal:
    case BinaryOp::NotEqual: {
      auto eq = collectionsEqual(e, l, r);
      if (eq) e.push(out, Item::ofBoolean(*eq == (n.op == BinaryOp::Equal)));
      return {};
    }
    case BinaryOp::Equivalent:
    case BinaryOp::NotEquivalent:
      e.push(out, Item::ofBoolean(collectionsEquivalent(e, l, r) == (n.op == BinaryOp::Equivalent)));
      return {};
    case BinaryOp::In:
    case BinaryOp::Contains: {
      const ItemSpan element = n.op == BinaryOp::In ? l : r;
      const ItemSpan collection = n.op == BinaryOp::In ? r : l;
      if (element.empty()) return {};
      RENKEI_RETURN_IF_ERROR(checkSingle(e, n, element));
      e.push(out, Item::ofBoolean(containsItem(e, collection, element[0])));
      return {};
    }
    case BinaryOp::Concatenate:
      RENKEI_RETURN_IF_ERROR(checkSingle(e, n, l));
      RENKEI_RETURN_IF_ERROR(checkSingle(e, n, r));
      return concatenate(e, n, l, r, out);
    default:
      break;
  }
  RENKEI_RETURN_IF_ERROR(checkSingle(e, n, l));
  RENKEI_RETURN_IF_ERROR(checkSingle(e, n, r));
  if (l.empty() || r.empty()) return {};
  switch (n.op) {
    case BinaryOp::Less: case BinaryOp::Greater: case BinaryOp::LessOrEqual:
    case BinaryOp::GreaterOrEqual: {
      const ItemOrder o = compareItems(e, l[0], r[0]);
      if (o == ItemOrder::Unknown) return {};
      if (o == ItemOrder::Incompatible) {
        return e.error(n, "'" + std::string(opText(n.op)) + "' cannot compare these values");
      }
      bool result = false;
      switch (n.op) {
        case BinaryOp::Less: result = o == ItemOrder::Less; break;
        case BinaryOp::Greater: result = o == ItemOrder::Greater; break;
        case BinaryOp::LessOrEqual: result = o != ItemOrder::Greater; break;
        default: result = o != ItemOrder::Less; break;
      }
      e.push(out, Item::ofBoolean(result));
      return {};
    }
    default:
      return arithmetic(e, n, l[0], r[0], out);
  }
}

}  // namespace renkei::fhirpath

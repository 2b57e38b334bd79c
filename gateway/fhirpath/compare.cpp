// Item and collection comparison (see compare.h).
#include "compare.h"

#include <unicode/unistr.h>

#include "quantity_ops.h"

namespace renkei::fhirpath {
namespace {

bool isNumber(const Item& i) { return i.type == ValueType::Integer || i.type == ValueType::Decimal; }
bool isTemporal(const Item& i) {
  return i.type == ValueType::Date || i.type == ValueType::DateTime || i.type == ValueType::Time;
}
Decimal asDecimal(const Item& i) {
  return i.type == ValueType::Integer ? Decimal::fromInteger(i.integer) : *i.decimal;
}

/// Lower-cased, trimmed, with runs of whitespace as one space (string equivalence).
std::string foldForEquivalence(std::string_view s) {
  std::string collapsed;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !collapsed.empty();
      continue;
    }
    if (space) collapsed.push_back(' ');
    space = false;
    collapsed.push_back(c);
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(collapsed.data(), static_cast<int32_t>(collapsed.size())));
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  return out;
}

/// Children of two complex nodes, pairwise by name, compared with `same`.
template <typename Same>
bool sameChildren(Engine& e, const Item& a, const Item& b, Same same) {
  // Different element names or counts decide it before any typing.
  const fhir::Node *x = a.node.node->firstChild, *y = b.node.node->firstChild;
  for (; x && y; x = x->next, y = y->next) {
    if (!fhir::sameName(x->name, y->name)) return false;
  }
  if (x != nullptr || y != nullptr) return false;
  Collection ca, cb;
  e.children(a, ca);
  e.children(b, cb);
  if (ca.size != cb.size) return false;
  for (uint32_t i = 0; i < ca.size; ++i) {
    if (!fhir::sameName(ca[i].node.node->name, cb[i].node.node->name)) return false;
    if (!same(ca[i], cb[i])) return false;
  }
  return true;
}

/// Identical text and shape: equal whatever the types (the common case, checked first).
bool identicalNodes(const fhir::Node& a, const fhir::Node& b) {
  if (a.value != b.value || a.hasValue() != b.hasValue() || a.resourceType != b.resourceType) {
    return false;
  }
  const fhir::Node *x = a.firstChild, *y = b.firstChild;
  for (; x && y; x = x->next, y = y->next) {
    if (!fhir::sameName(x->name, y->name) || !identicalNodes(*x, *y)) return false;
  }
  return x == nullptr && y == nullptr;
}

}  // namespace

std::optional<bool> itemsEqual(Engine& e, const Item& a, const Item& b) {
  if (a.type == ValueType::Node && b.type == ValueType::Node &&
      (a.node.node == b.node.node || identicalNodes(*a.node.node, *b.node.node))) {
    return true;
  }
  auto va = e.value(a), vb = e.value(b);
  if (!va || !vb) return false;
  const Item& x = *va;
  const Item& y = *vb;
  if (x.type == ValueType::Node || y.type == ValueType::Node) {
    if (x.type != y.type) return false;
    bool unknown = false;
    bool same = sameChildren(e, x, y, [&](const Item& p, const Item& q) {
      auto r = itemsEqual(e, p, q);
      if (!r) unknown = true;
      return r.value_or(true);
    });
    if (!same) return false;
    if (unknown) return std::nullopt;
    return true;
  }
  if (isNumber(x) && isNumber(y)) {
    if (x.type == ValueType::Integer && y.type == ValueType::Integer) return x.integer == y.integer;
    return sameValue(asDecimal(x), asDecimal(y));
  }
  if (isTemporal(x) && isTemporal(y)) {
    switch (compare(*x.temporal, *y.temporal)) {
      case Ordering::Equal: return true;
      case Ordering::Unknown: return std::nullopt;
      default: return false;
    }
  }
  if (x.type != y.type) return false;
  switch (x.type) {
    case ValueType::Boolean: return x.boolean == y.boolean;
    case ValueType::String: return x.str() == y.str();
    case ValueType::Quantity: return quantitiesEqual(*x.quantity, *y.quantity);
    case ValueType::TypeInfo:
      return x.typeInfo->ns == y.typeInfo->ns && x.typeInfo->name == y.typeInfo->name;
    default: return false;
  }
}

bool itemsEquivalent(Engine& e, const Item& a, const Item& b) {
  if (a.type == ValueType::Node && b.type == ValueType::Node && a.node.node == b.node.node) {
    return true;
  }
  auto va = e.value(a), vb = e.value(b);
  if (!va || !vb) return !va && !vb;
  const Item& x = *va;
  const Item& y = *vb;
  if (x.type == ValueType::Node || y.type == ValueType::Node) {
    return x.type == y.type &&
           sameChildren(e, x, y, [&](const Item& p, const Item& q) { return itemsEquivalent(e, p, q); });
  }
  if (isNumber(x) && isNumber(y)) return equivalent(asDecimal(x), asDecimal(y));
  if (isTemporal(x) && isTemporal(y)) return equivalent(*x.temporal, *y.temporal);
  if (x.type != y.type) return false;
  switch (x.type) {
    case ValueType::Boolean: return x.boolean == y.boolean;
    case ValueType::String: return foldForEquivalence(x.str()) == foldForEquivalence(y.str());
    case ValueType::Quantity: return quantitiesEquivalent(*x.quantity, *y.quantity);
    default: return itemsEqual(e, x, y).value_or(false);
  }
}

ItemOrder compareItems(Engine& e, const Item& a, const Item& b) {
  auto va = e.value(a), vb = e.value(b);
  if (!va || !vb) return ItemOrder::Unknown;
  const Item& x = *va;
  const Item& y = *vb;
  auto fromInt = [](int c) {
    return c < 0 ? ItemOrder::Less : (c > 0 ? ItemOrder::Greater : ItemOrder::Equal);
  };
  if (isNumber(x) && isNumber(y)) return fromInt(compare(asDecimal(x), asDecimal(y)));
  if (isTemporal(x) && isTemporal(y)) {
    switch (compare(*x.temporal, *y.temporal)) {
      case Ordering::Less: return ItemOrder::Less;
      case Ordering::Equal: return ItemOrder::Equal;
      case Ordering::Greater: return ItemOrder::Greater;
      case Ordering::Unknown: return ItemOrder::Unknown;
      case Ordering::Incomparable: return ItemOrder::Incompatible;
    }
  }
  if (x.type == ValueType::String && y.type == ValueType::String) {
    return fromInt(x.str().compare(y.str()));
  }
  if (x.type == ValueType::Quantity && y.type == ValueType::Quantity) {
    auto c = compareQuantities(*x.quantity, *y.quantity, false);
    return c ? fromInt(*c) : ItemOrder::Unknown;
  }
  return ItemOrder::Incompatible;
}

std::optional<bool> collectionsEqual(Engine& e, ItemSpan a, ItemSpan b) {
  if (a.empty() || b.empty()) return std::nullopt;
  if (a.size != b.size) return false;
  bool unknown = false;
  for (std::size_t i = 0; i < a.size; ++i) {
    auto r = itemsEqual(e, a[i], b[i]);
    if (!r) {
      unknown = true;
    } else if (!*r) {
      return false;
    }
  }
  if (unknown) return std::nullopt;
  return true;
}

bool collectionsEquivalent(Engine& e, ItemSpan a, ItemSpan b) {
  if (a.size != b.size) return false;
  std::vector<bool> used(b.size, false);
  for (const Item& x : a) {
    bool found = false;
    for (std::size_t j = 0; j < b.size && !found; ++j) {
      if (!used[j] && itemsEquivalent(e, x, b[j])) used[j] = found = true;
    }
    if (!found) return false;
  }
  return true;
}

bool containsItem(Engine& e, ItemSpan items, const Item& item) {
  for (const Item& i : items) {
    if (itemsEqual(e, i, item).value_or(false)) return true;
  }
  return false;
}

void appendDistinct(Engine& e, ItemSpan items, Collection& out, std::size_t from) {
  for (const Item& i : items) {
    if (!containsItem(e, {out.data + from, out.size - from}, i)) e.push(out, i);
  }
}

std::optional<std::string> itemText(Engine& e, const Item& item) {
  auto v = e.value(item);
  if (!v) return std::nullopt;
  switch (v->type) {
    case ValueType::Boolean: return std::string(v->boolean ? "true" : "false");
    case ValueType::String: return std::string(v->str());
    case ValueType::Integer: return std::to_string(v->integer);
    case ValueType::Decimal: return v->decimal->toString();
    case ValueType::Date:
    case ValueType::DateTime:
    case ValueType::Time: return v->temporal->toString();
    case ValueType::Quantity: return quantityText(*v->quantity);
    default: return std::nullopt;
  }
}

}  // namespace renkei::fhirpath

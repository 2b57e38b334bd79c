// Existence, filtering, projection and aggregation functions: empty(), exists(), all(),
// allTrue() and friends, where(), select(), repeat(), iif(), aggregate(), sort(), trace(),
// children(), descendants(), not(), count(), distinct().
#include <algorithm>

#include "compare.h"
#include "engine.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;

/// The boolean reading of a criterion's result (empty and false are both "not true").
Result<bool> criterionHolds(Call& c, const Collection& r) {
  if (r.empty()) return false;
  if (r.size > 1) return c.error("the criteria returned several items");
  auto v = c.engine.value(r[0]);
  if (!v) return false;
  return v->type != ValueType::Boolean || v->boolean;
}

Status booleansOf(Call& c, bool want, bool all) {
  bool result = all;
  for (const Item& i : c.input) {
    auto v = c.engine.value(i);
    if (!v) continue;
    if (v->type != ValueType::Boolean) return c.error("the input must hold only Booleans");
    if (all && v->boolean != want) result = false;
    if (!all && v->boolean == want) result = true;
  }
  c.engine.push(c.out, Item::ofBoolean(result));
  return {};
}

/// The criterion (argument 0) for input item `i`, evaluated into `scratch` (reused).
Result<bool> criterionFor(Call& c, std::size_t i, Collection& scratch) {
  scratch.size = 0;
  RENKEI_RETURN_IF_ERROR(c.engine.evalFor(c.node.arg(0), c.frame, c.input, i, scratch));
  return criterionHolds(c, scratch);
}

/// exists(criteria) when `want` is true, all(criteria) when false: stops at the first item
/// whose criterion is not `!want`.
Status anyOrAll(Call& c, bool want) {
  Collection scratch;
  for (std::size_t i = 0; i < c.input.size; ++i) {
    auto holds = criterionFor(c, i, scratch);
    if (!holds.ok()) return holds.status();
    if (*holds == want) {
      c.engine.push(c.out, Item::ofBoolean(want));
      return {};
    }
  }
  c.engine.push(c.out, Item::ofBoolean(!want));
  return {};
}

Status whereOrSelect(Call& c, bool where) {
  Collection scratch;
  for (std::size_t i = 0; i < c.input.size; ++i) {
    if (!where) {
      RENKEI_RETURN_IF_ERROR(c.engine.evalFor(c.node.arg(0), c.frame, c.input, i, c.out));
      continue;
    }
    auto holds = criterionFor(c, i, scratch);
    if (!holds.ok()) return holds.status();
    if (*holds) c.engine.push(c.out, c.input[i]);
  }
  return {};
}

Status repeat(Call& c) {
  // Breadth-first over the projection; elements already reached are not followed again.
  Collection queue;
  c.engine.append(queue, c.input);
  const std::size_t start = c.out.size;
  for (std::size_t next = 0; next < queue.size; ++next) {
    Collection r;
    RENKEI_RETURN_IF_ERROR(c.engine.evalFor(c.node.arg(0), c.frame, queue.span(), next, r));
    for (const Item& item : r.span()) {
      bool seen = false;
      for (const Item& o : ItemSpan{c.out.data + start, c.out.size - start}) {
        seen = item.isNode() ? (o.isNode() && o.node.node == item.node.node)
                             : itemsEqual(c.engine, o, item).value_or(false);
        if (seen) break;
      }
      if (seen) continue;
      c.engine.push(c.out, item);
      c.engine.push(queue, item);
    }
  }
  return {};
}

Status iif(Call& c) {
  if (c.input.size > 1) return c.error("the input must not hold several items");
  Frame f = c.frame;
  if (c.node.source != nullptr) {
    f.focus = c.input;
    f.thisItem = c.input.empty() ? nullptr : &c.input[0];
  }
  Collection criterion;
  RENKEI_RETURN_IF_ERROR(c.engine.eval(c.node.arg(0), f, criterion));
  if (criterion.size > 1) return c.error("the criterion must be a single Boolean");
  bool holds = false;
  if (!criterion.empty()) {
    auto v = c.engine.value(criterion[0]);
    if (v && v->type != ValueType::Boolean) return c.error("the criterion must be a Boolean");
    holds = v && v->boolean;
  }
  if (holds) return c.engine.eval(c.node.arg(1), f, c.out);
  if (c.node.argCount > 2) return c.engine.eval(c.node.arg(2), f, c.out);
  return {};
}

Status aggregate(Call& c) {
  Collection total;
  if (c.node.argCount > 1) RENKEI_RETURN_IF_ERROR(c.arg(1, total));
  for (std::size_t i = 0; i < c.input.size; ++i) {
    Frame f;
    f.focus = {&c.input[i], 1};
    f.thisItem = &c.input[i];
    f.index = static_cast<int64_t>(i);
    f.total = &total;
    Collection next;
    RENKEI_RETURN_IF_ERROR(c.engine.eval(c.node.arg(0), f, next));
    total = next;
  }
  c.engine.append(c.out, total.span());
  return {};
}

Status sort(Call& c) {
  struct Key {
    const AstNode* expr;
    bool descending;
  };
  std::vector<Key> keys;
  for (std::size_t k = 0; k < c.node.argCount; ++k) {
    const AstNode& a = c.node.arg(k);
    // A leading minus sorts descending, also for strings (sort(-family)).
    if (a.kind == AstKind::Negate) {
      keys.push_back({&a.arg(0), true});
    } else {
      keys.push_back({&a, false});
    }
  }
  // Evaluate every key once per item.
  std::vector<std::vector<Collection>> values(c.input.size);
  for (std::size_t i = 0; i < c.input.size; ++i) {
    for (const Key& k : keys) {
      Collection v;
      RENKEI_RETURN_IF_ERROR(c.engine.evalFor(*k.expr, c.frame, c.input, i, v));
      if (v.size > 1) return c.error("a sort key returned several items");
      values[i].push_back(v);
    }
  }
  std::vector<std::size_t> order(c.input.size);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  bool incompatible = false;
  auto orderOf = [&](const Item& a, const Item& b) {
    ItemOrder o = compareItems(c.engine, a, b);
    if (o == ItemOrder::Incompatible) incompatible = true;
    return o == ItemOrder::Less ? -1 : (o == ItemOrder::Greater ? 1 : 0);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (keys.empty()) return orderOf(c.input[x], c.input[y]) < 0;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const Collection& a = values[x][k];
      const Collection& b = values[y][k];
      // Empty keys come first whatever the direction.
      if (a.empty() || b.empty()) {
        if (a.empty() != b.empty()) return a.empty();
        continue;
      }
      int r = orderOf(a[0], b[0]);
      if (keys[k].descending) r = -r;
      if (r != 0) return r < 0;
    }
    return false;
  });
  if (incompatible) return c.error("the sort keys cannot be compared");
  for (std::size_t i : order) c.engine.push(c.out, c.input[i]);
  return {};
}

Status trace(Call& c) {
  auto name = c.stringArg(0);
  if (!name.ok()) return name.status();
  const TraceSink* sink = c.engine.env().trace;
  if (sink != nullptr && *sink) {
    if (c.node.argCount > 1) {
      Collection projected;
      for (std::size_t i = 0; i < c.input.size; ++i) {
        RENKEI_RETURN_IF_ERROR(c.engine.evalFor(c.node.arg(1), c.frame, c.input, i, projected));
      }
      (*sink)(name->value_or(""), projected.span());
    } else {
      (*sink)(name->value_or(""), c.input);
    }
  }
  c.engine.append(c.out, c.input);
  return {};
}

void descendants(Engine& e, const Item& item, Collection& out, int depth) {
  if (depth > 256) return;
  Collection kids;
  e.children(item, kids);
  for (const Item& k : kids.span()) {
    e.push(out, k);
    descendants(e, k, out, depth + 1);
  }
}

}  // namespace

Status existenceFunction(Call& c) {
  Engine& e = c.engine;
  switch (c.node.function) {
    case F::Empty:
      e.push(c.out, Item::ofBoolean(c.input.empty()));
      return {};
    case F::Exists:
      if (c.node.argCount == 0) {
        e.push(c.out, Item::ofBoolean(!c.input.empty()));
        return {};
      }
      return anyOrAll(c, true);
    case F::All: return anyOrAll(c, false);
    case F::AllTrue: return booleansOf(c, true, true);
    case F::AnyTrue: return booleansOf(c, true, false);
    case F::AllFalse: return booleansOf(c, false, true);
    case F::AnyFalse: return booleansOf(c, false, false);
    case F::SubsetOf:
    case F::SupersetOf: {
      Collection other;
      RENKEI_RETURN_IF_ERROR(c.arg(0, other));
      const ItemSpan sub = c.node.function == F::SubsetOf ? c.input : other.span();
      const ItemSpan super = c.node.function == F::SubsetOf ? other.span() : c.input;
      bool all = true;
      for (const Item& i : sub) {
        if (!containsItem(e, super, i)) {
          all = false;
          break;
        }
      }
      e.push(c.out, Item::ofBoolean(all));
      return {};
    }
    case F::Count:
      e.push(c.out, Item::ofInteger(static_cast<int64_t>(c.input.size)));
      return {};
    case F::Distinct:
      appendDistinct(e, c.input, c.out, c.out.size);
      return {};
    case F::IsDistinct: {
      Collection d;
      appendDistinct(e, c.input, d, 0);
      e.push(c.out, Item::ofBoolean(d.size == c.input.size));
      return {};
    }
    case F::Not: {
      if (c.input.empty()) return {};
      if (c.input.size > 1) return c.error("the input must be a single item");
      auto v = e.value(c.input[0]);
      if (v) e.push(c.out, Item::ofBoolean(v->type == ValueType::Boolean && !v->boolean));
      return {};
    }
    case F::Where: return whereOrSelect(c, true);
    case F::Select: return whereOrSelect(c, false);
    case F::Repeat: return repeat(c);
    case F::Iif: return iif(c);
    case F::Aggregate: return aggregate(c);
    case F::Sort: return sort(c);
    case F::Trace: return trace(c);
    case F::Children:
      for (const Item& i : c.input) e.children(i, c.out);
      return {};
    case F::Descendants:
      for (const Item& i : c.input) descendants(e, i, c.out, 0);
      return {};
    default:
      return c.error("not an existence function");
  }
}

}  // namespace renkei::fhirpath

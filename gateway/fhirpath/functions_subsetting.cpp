// Subsetting and combining: single(), first(), last(), tail(), skip(), take(), intersect(),
// exclude(), union(), combine().
#include "compare.h"
#include "engine.h"

namespace renkei::fhirpath {

Status subsettingFunction(Call& c) {
  using F = FunctionId;
  Engine& e = c.engine;
  const ItemSpan in = c.input;
  switch (c.node.function) {
    case F::Single:
      if (in.size > 1) return c.error("the input has " + std::to_string(in.size) + " items");
      e.append(c.out, in);
      return {};
    case F::First:
      if (!in.empty()) e.push(c.out, in[0]);
      return {};
    case F::Last:
      if (!in.empty()) e.push(c.out, in[in.size - 1]);
      return {};
    case F::Tail:
      if (in.size > 1) e.append(c.out, {in.data + 1, in.size - 1});
      return {};
    case F::Skip:
    case F::Take: {
      auto n = c.integerArg(0);
      if (!n.ok()) return n.status();
      if (!n->has_value()) return {};
      const int64_t count = **n;
      const std::size_t k = count <= 0 ? 0 : std::min<std::size_t>(static_cast<std::size_t>(count), in.size);
      if (c.node.function == F::Skip) {
        e.append(c.out, {in.data + k, in.size - k});
      } else {
        e.append(c.out, {in.data, k});
      }
      return {};
    }
    case F::Intersect:
    case F::Exclude: {
      Collection other;
      RENKEI_RETURN_IF_ERROR(c.arg(0, other));
      const std::size_t start = c.out.size;
      for (const Item& i : in) {
        const bool inOther = containsItem(e, other.span(), i);
        if (c.node.function == F::Exclude) {
          if (!inOther) e.push(c.out, i);
        } else if (inOther) {
          appendDistinct(e, {&i, 1}, c.out, start);
        }
      }
      return {};
    }
    case F::Union:
    case F::Combine: {
      Collection other;
      RENKEI_RETURN_IF_ERROR(c.arg(0, other));
      if (c.node.function == F::Combine) {
        e.append(c.out, in);
        e.append(c.out, other.span());
        return {};
      }
      const std::size_t start = c.out.size;
      appendDistinct(e, in, c.out, start);
      appendDistinct(e, other.span(), c.out, start);
      return {};
    }
    default:
      return c.error("not a subsetting function");
  }
}

}  // namespace renkei::fhirpath

// Child grouping and definition ordering for serialization, on a per-thread stack of entries.
#include "element_order.h"

#include <algorithm>

namespace renkei::fhir {
namespace {

std::vector<OrderedChild>& stack() {
  thread_local std::vector<OrderedChild> s;
  return s;
}

}  // namespace

ChildOrder::ChildOrder(const Node& parent, const ElementScope& scope,
                       const ElementNavigator* navigator) {
  stack_ = &stack();
  std::vector<OrderedChild>& s = *stack_;
  begin_ = s.size();
  uint32_t unknown = 0, hint = 0;
  for (const Node* c = parent.firstChild; c; c = c->next) {
    // Children mostly come in definition order: the search starts where the last one matched.
    ElementMatch match = navigator ? navigator->match(scope, c->name, hint) : ElementMatch{};
    uint32_t group = UINT32_MAX;
    if (match) {
      hint = match.order;
      // Defined names sort by definition order. Only a choice element can be matched by two
      // different names (valueString, valueQuantity): keep those apart.
      group = match.order << 8;
      for (std::size_t i = begin_; i < s.size(); ++i) {
        if ((s[i].group >> 8) == match.order && s[i].match &&
            !sameName(s[i].node->name, c->name)) {
          group = std::max(group, s[i].group + 1);
        } else if ((s[i].group >> 8) == match.order && s[i].match) {
          group = s[i].group;
          break;
        }
      }
    } else {
      // Unknown names after all defined ones, by first appearance.
      for (std::size_t i = begin_; i < s.size(); ++i) {
        if (!s[i].match && sameName(s[i].node->name, c->name)) {
          group = s[i].group;
          break;
        }
      }
      if (group == UINT32_MAX) group = (navigator ? 0xFF000000u : 0u) + unknown++;
    }
    s.push_back({c, match, group});
  }
  end_ = s.size();
  // Insertion sort: stable, allocation-free, and linear for the usual already-ordered input.
  for (std::size_t i = begin_ + 1; i < end_; ++i) {
    OrderedChild moving = s[i];
    std::size_t j = i;
    while (j > begin_ && s[j - 1].group > moving.group) {
      s[j] = s[j - 1];
      --j;
    }
    s[j] = moving;
  }
}

ChildOrder::~ChildOrder() { stack_->resize(begin_); }

std::string_view serializationType(const OrderedChild& child) {
  if (child.node->isResource()) return child.node->resourceType;
  return child.match ? child.match.typeCode : std::string_view();
}

}  // namespace renkei::fhir

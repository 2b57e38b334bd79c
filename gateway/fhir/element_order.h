// Orders an element's children for serialization: grouped by name, groups in definition order
// (unknown names last, in source order). Both writers serialize through this. It works in a
// per-thread scratch buffer, so ordering allocates nothing once warmed up.
#pragma once

#include <vector>

#include "renkei/fhir/element_navigator.h"

namespace renkei::fhir {

/// One child with the definition it matched (empty match for unknown names).
struct OrderedChild {
  const Node* node;
  ElementMatch match;
  uint32_t group;  ///< sort key: definition order, then first appearance for unknown names
};

/// The children of one node, ordered; valid until the next ChildOrder is destroyed on this thread
/// (nest them like a stack, as recursive writers do).
class ChildOrder {
 public:
  /// `navigator` may be null (no definitions): groups then keep source order.
  ChildOrder(const Node& parent, const ElementScope& scope, const ElementNavigator* navigator);
  ~ChildOrder();
  ChildOrder(const ChildOrder&) = delete;
  ChildOrder& operator=(const ChildOrder&) = delete;

  /// Calls f(first, last) for each group of same-named children (indices into item()).
  template <typename F>
  void forEachGroup(F&& f) const {
    for (std::size_t i = begin_; i < end_;) {
      std::size_t j = i + 1;
      while (j < end_ && item(j).group == item(i).group) ++j;
      f(i, j);
      i = j;
    }
  }
  const OrderedChild& item(std::size_t i) const { return (*stack_)[i]; }

 private:
  std::vector<OrderedChild>* stack_;
  std::size_t begin_, end_;
};

/// The type of an element for serialization: the matched type, or the resource type it holds.
std::string_view serializationType(const OrderedChild& child);

/// True for FHIR primitive type names (lower-case first letter, plus "xhtml").
inline bool isPrimitiveTypeName(std::string_view t) {
  return !t.empty() && t[0] >= 'a' && t[0] <= 'z';
}

}  // namespace renkei::fhir

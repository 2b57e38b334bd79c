// Child grouping and definition ordering for serialization.
#include "element_order.h"

#include <algorithm>

namespace renkei::fhir {

void orderedChildGroups(const Node& parent, const ElementScope& scope,
                        const ElementNavigator* navigator, std::vector<ChildGroup>& out) {
  out.clear();
  for (const Node* c = parent.firstChild; c; c = c->next) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const ChildGroup& g) { return g.name == c->name; });
    if (it != out.end()) {
      it->nodes.push_back(c);
      continue;
    }
    ChildGroup g;
    g.name = c->name;
    g.nodes.push_back(c);
    if (navigator != nullptr) g.match = navigator->match(scope, c->name);
    out.push_back(std::move(g));
  }
  if (navigator == nullptr) return;
  std::stable_sort(out.begin(), out.end(), [](const ChildGroup& a, const ChildGroup& b) {
    uint32_t oa = a.match ? a.match.order : UINT32_MAX;
    uint32_t ob = b.match ? b.match.order : UINT32_MAX;
    return oa < ob;
  });
}

std::string_view serializationType(const ChildGroup& group, const Node& node) {
  if (node.isResource()) return node.resourceType;
  return group.match ? group.match.typeCode : std::string_view();
}

}  // namespace renkei::fhir

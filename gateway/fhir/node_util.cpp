// Subtree copying and prefix lookup for node trees.
#include "node_util.h"

namespace renkei::fhir {

Node* deepCopy(const Node& n, Arena& arena) {
  Node* c = arena.make<Node>();
  c->name = arena.copy(n.name);
  c->value = arena.copy(n.value);
  c->resourceType = arena.copy(n.resourceType);
  c->offset = n.offset;
  c->kind = n.kind;
  c->flags = n.flags;
  for (const Node* k = n.firstChild; k; k = k->next) c->append(deepCopy(*k, arena));
  return c;
}

const Node* childWithPrefix(const Node& n, std::string_view prefix) {
  for (const Node* c = n.firstChild; c; c = c->next) {
    if (c->name.size() > prefix.size() && c->name.substr(0, prefix.size()) == prefix &&
        c->name[prefix.size()] >= 'A' && c->name[prefix.size()] <= 'Z') {
      return c;
    }
  }
  return nullptr;
}

}  // namespace renkei::fhir

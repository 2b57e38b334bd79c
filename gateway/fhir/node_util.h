// Small helpers for reading definition resources out of node trees (internal to gateway/fhir).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "renkei/core/arena.h"
#include "renkei/fhir/node.h"

namespace renkei::fhir {

template <typename F>
void forEachNamed(const Node& parent, std::string_view name, F&& fn) {
  for (const Node* c = parent.firstChild; c; c = c->next) {
    if (c->name == name) fn(*c);
  }
}

inline std::string childString(const Node& n, std::string_view name) {
  return std::string(n.childValue(name));
}

inline bool childBool(const Node& n, std::string_view name, bool fallback = false) {
  const Node* c = n.child(name);
  if (!c || !c->hasValue()) return fallback;
  return c->value == "true";
}

inline uint32_t parseUint(std::string_view s, uint32_t fallback) {
  uint32_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return (r.ec == std::errc() && r.ptr == s.data() + s.size()) ? v : fallback;
}

/// Copies a subtree (strings included) into `arena`; the copy has no siblings.
Node* deepCopy(const Node& n, Arena& arena);

/// Finds the child whose name starts with `prefix` (e.g. "fixed" finds "fixedUri").
const Node* childWithPrefix(const Node& n, std::string_view prefix);

}  // namespace renkei::fhir

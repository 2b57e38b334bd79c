// Element matching and scope resolution over compiled StructureDefinitions.
#include "renkei/fhir/element_navigator.h"

namespace renkei::fhir {

ElementScope ElementNavigator::rootScope(const StructureDef& sd) const {
  return {&sd, &sd.root()};
}

ElementScope ElementNavigator::typeScope(std::string_view typeName) const {
  const StructureDef* sd = defs_.baseType(typeName);
  if (sd == nullptr) return {};
  return rootScope(*sd);
}

namespace {

/// The match of `name` against the definition at `order` in `scope`, if it is one.
ElementMatch matchAt(const ElementScope& scope, std::string_view name, uint32_t order,
                     uint32_t key, uint32_t choiceKey) {
  const uint32_t k = scope.parent->childKeys[order];
  // Most definitions are ruled out by length and first letter without touching them.
  if (k != key && k != choiceKey) return {};
  const auto& elements = scope.sd->elements;
  const uint32_t idx = scope.parent->children[order];
  const ElementDef& d = elements[idx];
  if (d.isChoice()) {
    const std::string& prefix = d.choicePrefix;
    if (name.size() > prefix.size() && name[0] == prefix[0] &&
        name.compare(0, prefix.size(), prefix) == 0) {
      std::string_view suffix = name.substr(prefix.size());
      for (const TypeRef& t : d.types) {
        if (t.choiceSuffix == suffix) return {scope.sd, idx, &t, t.code, order};
      }
    }
    return {};
  }
  if (!sameName(d.name, name)) return {};
  const TypeRef* t = d.types.size() == 1 ? &d.types.front() : nullptr;
  std::string_view code = t ? std::string_view(t->code) : std::string_view();
  if (d.contentReference != kNone) {
    const ElementDef& target = elements[d.contentReference];
    if (target.types.size() == 1) {
      t = &target.types.front();
      code = t->code;
    }
  }
  return {scope.sd, idx, t, code, order};
}

}  // namespace

ElementMatch ElementNavigator::match(const ElementScope& scope, std::string_view name,
                                     uint32_t hint) const {
  if (!scope.valid()) return {};
  const uint32_t count = static_cast<uint32_t>(scope.parent->children.size());
  const uint32_t key = childNameKey(name);
  const uint32_t choiceKey = choiceNameKey(name.empty() ? std::string_view("?") : name);
  if (hint >= count) hint = 0;
  for (uint32_t order = hint; order < count; ++order) {
    if (ElementMatch m = matchAt(scope, name, order, key, choiceKey)) return m;
  }
  for (uint32_t order = 0; order < hint; ++order) {
    if (ElementMatch m = matchAt(scope, name, order, key, choiceKey)) return m;
  }
  return {};
}

ElementScope ElementNavigator::childScope(const ElementMatch& m) const {
  return childScope(*m.sd, m.index, m.type, m.typeCode);
}

ElementScope ElementNavigator::childScope(const StructureDef& sd, uint32_t index,
                                          const TypeRef* type, std::string_view typeCode) const {
  const ElementDef* d = &sd.elements[index];
  if (d->contentReference != kNone) d = &sd.elements[d->contentReference];
  if (!d->children.empty()) return {&sd, d};
  if (type != nullptr && type->code == typeCode) {
    if (type->profileSd) return rootScope(*type->profileSd);
    if (type->typeSd) return rootScope(*type->typeSd);
  }
  if (typeCode.empty()) return {};
  return typeScope(typeCode);
}

}  // namespace renkei::fhir

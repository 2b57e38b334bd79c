// Lookup of compiled definitions by canonical URL and by type name.
#include "renkei/fhir/definitions.h"

#include <algorithm>

#include "renkei/fhir/validator.h"

namespace renkei::fhir {
namespace {
constexpr std::string_view kCoreSdPrefix = "http://hl7.org/fhir/StructureDefinition/";

bool sameTypeCodes(const ElementDef& a, const ElementDef& b) {
  if (a.types.size() != b.types.size()) return false;
  for (const TypeRef& t : a.types) {
    auto same = [&](const TypeRef& u) { return u.code == t.code; };
    if (!t.profiles.empty() || std::none_of(b.types.begin(), b.types.end(), same)) return false;
  }
  return true;
}

/// What a profile walk checks at a profile element itself (see ValidationRun's Pass::Profile):
/// cardinality, slicing, the allowed types, fixed and pattern values, the binding, pattern and
/// length limits of primitives, and constraints the core definitions do not already make.
bool sameOwnChecks(const ElementDef& e, const ElementDef& b) {
  if (!e.sliceName.empty() || e.slicing || !e.slices.empty() || e.contentReference != kNone ||
      b.contentReference != kNone || e.fixed != nullptr || e.pattern != nullptr) {
    return false;
  }
  if (e.min != b.min || e.max != b.max || !sameTypeCodes(e, b)) return false;
  if (e.bindingStrength != b.bindingStrength || e.valueSet != b.valueSet) return false;
  if (e.regex && (!b.regex || e.regex->source() != b.regex->source())) return false;
  if (e.maxLength != 0 && e.maxLength != b.maxLength) return false;
  for (const Constraint& c : e.constraints) {
    if (c.expression.empty() || c.checkedNatively) continue;
    if (c.source.compare(0, kCoreSdPrefix.size(), kCoreSdPrefix) != 0) return false;
  }
  return true;
}

/// Sets profileAddsNothing on profile element `e` of `p` and below it, comparing with `b`, the
/// base definition's element at the same place (in `bs`); returns the flag of `e`.
bool markProfileElement(StructureDef& p, ElementDef& e, const StructureDef& bs, const ElementDef& b) {
  // The children the base walk matches the instance against: the element's own, else its type's.
  const StructureDef* baseScope = &bs;
  const ElementDef* baseParent = &b;
  if (b.children.empty() && b.types.size() == 1 && b.types.front().typeSd != nullptr) {
    baseScope = b.types.front().typeSd;
    baseParent = &baseScope->root();
  }
  auto baseChild = [&](const std::string& name) -> const ElementDef* {
    for (uint32_t bi : baseParent->children) {
      if (baseScope->elements[bi].name == name) return &baseScope->elements[bi];
    }
    return nullptr;
  };
  // Both walks must match an instance against the same children (none, when the base has none).
  bool nothing = sameOwnChecks(e, b);
  if (e.children.empty() ? !b.children.empty() : e.children.size() != baseParent->children.size()) nothing = false;
  for (uint32_t ci : e.children) {
    const ElementDef* match = baseChild(p.elements[ci].name);
    nothing = match != nullptr && markProfileElement(p, p.elements[ci], *baseScope, *match) && nothing;
  }
  // The children of slices are compared with the base's children of the element they slice.
  for (uint32_t si : e.slices) {
    for (uint32_t ci : p.elements[si].children) {
      if (const ElementDef* match = baseChild(p.elements[ci].name)) markProfileElement(p, p.elements[ci], *baseScope, *match);
    }
  }
  e.profileAddsNothing = nothing;
  return nothing;
}

}  // namespace

const ElementDef* StructureDef::find(std::string_view id) const {
  for (const ElementDef& e : elements) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const StructureDef* Definitions::structure(std::string_view canonical) const {
  auto it = byUrl_.find(canonicalWithoutVersion(canonical));
  return it == byUrl_.end() ? nullptr : it->second.get();
}

const StructureDef* Definitions::baseType(std::string_view typeName) const {
  auto it = byType_.find(typeName);
  return it == byType_.end() ? nullptr : it->second;
}

bool Definitions::isResourceType(std::string_view name) const {
  const StructureDef* sd = baseType(name);
  return sd && sd->kind == StructureKind::Resource;
}

bool Definitions::isPrimitiveType(std::string_view name) const {
  const StructureDef* sd = baseType(name);
  return sd && sd->kind == StructureKind::PrimitiveType;
}

bool Definitions::specializes(std::string_view type, std::string_view ancestor) const {
  for (const StructureDef* sd = baseType(type); sd; sd = sd->base) {
    if (sd->type == ancestor) return true;
    if (sd->base == sd) break;
  }
  return false;
}

std::vector<const StructureDef*> Definitions::profiles() const {
  std::vector<const StructureDef*> out;
  for (const auto& [url, sd] : byUrl_) {
    if (sd->isConstraint) out.push_back(sd.get());
  }
  return out;
}

std::vector<const StructureDef*> Definitions::structures() const {
  std::vector<const StructureDef*> out;
  out.reserve(byUrl_.size());
  for (const auto& [url, sd] : byUrl_) out.push_back(sd.get());
  return out;
}

void Definitions::add(std::unique_ptr<StructureDef> sd) {
  // Packages often bundle copies of their dependencies' definitions: the first one loaded wins.
  if (byUrl_.count(sd->url) != 0) return;
  std::string url = sd->url;
  byUrl_.emplace(std::move(url), std::move(sd));
}

void Definitions::link() {
  byType_.clear();
  for (auto& [url, sd] : byUrl_) {
    if (!sd->isConstraint && sd->kind != StructureKind::Logical &&
        url.size() > kCoreSdPrefix.size() && url.compare(0, kCoreSdPrefix.size(), kCoreSdPrefix) == 0 &&
        url.compare(kCoreSdPrefix.size(), std::string::npos, sd->type) == 0) {
      byType_[sd->type] = sd.get();
    }
  }
  constraintCount_ = 0;
  for (auto& [url, sd] : byUrl_) {
    sd->base = sd->baseDefinition.empty() ? nullptr : structure(sd->baseDefinition);
    for (ElementDef& e : sd->elements) {
      if (!e.valueSet.empty()) e.boundValueSet = terminology_.valueSet(e.valueSet);
      e.evaluatesConstraints = false;
      for (Constraint& c : e.constraints) {
        c.checkedNatively = isNativelyCheckedConstraint(c.key);
        c.id = static_cast<uint32_t>(constraintCount_++);
        e.evaluatesConstraints = e.evaluatesConstraints || (!c.checkedNatively && !c.expression.empty());
      }
      for (TypeRef& t : e.types) {
        t.typeSd = baseType(t.code);
        t.profileSd = nullptr;
        t.targetTypes.clear();
        for (const std::string& p : t.targetProfiles) {
          const StructureDef* target = structure(p);
          bool any = target == nullptr || target->type == "Resource" || target->type == "DomainResource";
          t.targetTypes.push_back(any ? std::string_view("Resource") : std::string_view(target->type));
        }
        for (const std::string& p : t.profiles) {
          const StructureDef* ps = structure(p);
          if (ps && ps->type == t.code) {
            t.profileSd = ps;
            break;
          }
        }
      }
    }
  }
  for (auto& [url, sd] : byUrl_) {
    const StructureDef* core = baseType(sd->type);
    if (sd->isConstraint && core != nullptr && core != sd.get() && !sd->elements.empty()) {
      markProfileElement(*sd, sd->elements.front(), *core, core->root());
    }
  }
}

}  // namespace renkei::fhir

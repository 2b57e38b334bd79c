// Lookup of compiled definitions by canonical URL and by type name.
#include "renkei/fhir/definitions.h"

#include "renkei/fhir/validator.h"

namespace renkei::fhir {
namespace {
constexpr std::string_view kCoreSdPrefix = "http://hl7.org/fhir/StructureDefinition/";
}

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
      for (Constraint& c : e.constraints) {
        c.checkedNatively = isNativelyCheckedConstraint(c.key);
        c.id = static_cast<uint32_t>(constraintCount_++);
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
}

}  // namespace renkei::fhir

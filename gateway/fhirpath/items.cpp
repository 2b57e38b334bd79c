// Typed navigation of input nodes and the System values of FHIR primitives (see engine.h).
#include "engine.h"
#include "lexer.h"
#include "typing.h"

namespace renkei::fhirpath {
namespace {

using fhir::ElementDef;
using fhir::Node;
using fhir::StructureDef;

enum class PrimitiveKind : uint8_t { NotPrimitive, Boolean, String, Integer, Decimal, Date, DateTime, Time };

PrimitiveKind primitiveKind(std::string_view fhirType) {
  if (fhirType.empty()) return PrimitiveKind::NotPrimitive;
  switch (fhirType[0]) {
    case 'b':
      if (fhirType == "boolean") return PrimitiveKind::Boolean;
      if (fhirType == "base64Binary") return PrimitiveKind::String;
      break;
    case 'c':
      if (fhirType == "code" || fhirType == "canonical") return PrimitiveKind::String;
      break;
    case 'd':
      if (fhirType == "decimal") return PrimitiveKind::Decimal;
      if (fhirType == "date") return PrimitiveKind::Date;
      if (fhirType == "dateTime") return PrimitiveKind::DateTime;
      break;
    case 'i':
      if (fhirType == "integer" || fhirType == "integer64") return PrimitiveKind::Integer;
      if (fhirType == "id") return PrimitiveKind::String;
      if (fhirType == "instant") return PrimitiveKind::DateTime;
      break;
    case 'm':
      if (fhirType == "markdown") return PrimitiveKind::String;
      break;
    case 'o':
      if (fhirType == "oid") return PrimitiveKind::String;
      break;
    case 'p':
      if (fhirType == "positiveInt") return PrimitiveKind::Integer;
      break;
    case 's':
      if (fhirType == "string") return PrimitiveKind::String;
      break;
    case 't':
      if (fhirType == "time") return PrimitiveKind::Time;
      break;
    case 'u':
      if (fhirType == "unsignedInt") return PrimitiveKind::Integer;
      if (fhirType == "uri" || fhirType == "url" || fhirType == "uuid") return PrimitiveKind::String;
      break;
    case 'x':
      if (fhirType == "xhtml") return PrimitiveKind::String;
      break;
    default:
      break;
  }
  return PrimitiveKind::NotPrimitive;
}

bool isQuantityType(std::string_view t) {
  return t == "Quantity" || t == "Age" || t == "Duration" || t == "Distance" || t == "Count" ||
         t == "SimpleQuantity" || t == "MoneyQuantity";
}

/// A node that carries neither a value nor children (a JSON null placeholder) does not exist.
bool present(const Node& n) { return n.hasValue() || n.hasChildren(); }

}  // namespace

Engine::Engine(const Program& program, const Environment& env, Arena& arena,
               std::size_t memoryLimit, const Item& context)
    : program_(program),
      env_(env),
      arena_(arena),
      memoryLimit_(memoryLimit),
      defs_(program.options.definitions.get()),
      context_(context) {
  if (defs_ != nullptr) nav_.emplace(*defs_);
}

void Engine::grow(Collection& c, uint32_t needed) {
  uint32_t cap = c.capacity < 4 ? 4 : c.capacity * 2;
  while (cap < needed) cap *= 2;
  // Past the limit, grow only as needed; eval() reports the overflow at the end of the node.
  if (arena_.bytesReserved() > memoryLimit_) cap = needed;
  auto* data = static_cast<Item*>(arena_.allocate(sizeof(Item) * cap, alignof(Item)));
  for (uint32_t i = 0; i < c.size; ++i) data[i] = c.data[i];
  c.data = data;
  c.capacity = cap;
}

Status Engine::error(const AstNode& at, const std::string& message) const {
  return Status::invalidInput(message + " (at " + describePosition(program_.text, at.offset) + ")");
}

const Temporal& Engine::now() {
  if (!now_) now_ = env_.now ? *env_.now : currentDateTime();
  return *now_;
}

const fhir::BundleIndex& Engine::bundleIndex(const Node& bundle) {
  if (indexedBundle_ != &bundle) {
    bundleIndex_ = fhir::BundleIndex::build(bundle);
    indexedBundle_ = &bundle;
  }
  return *bundleIndex_;
}

std::string_view Engine::fhirType(const Item& item) const {
  if (item.type != ValueType::Node) return {};
  const Node& n = *item.node.node;
  if (n.isResource() && item.element == 0) return n.resourceType;
  if (item.node.sd == nullptr) return {};
  return definedTypeName(*item.node.sd, item.element, item.typeIndex);
}

Item Engine::resource(const Node& n) const {
  return resourceItem(defs_, n);
}

fhir::ElementScope Engine::scopeOf(const Item& item) const {
  if (!nav_ || item.node.sd == nullptr) return {};
  return childScopeOf(*nav_, *item.node.sd, item.element, item.typeIndex);
}

Item Engine::childItem(const fhir::ElementScope& scope, uint32_t index, const Node& child,
                       uint8_t typeIndex) const {
  if (child.isResource()) return resource(child);
  return Item::ofNode(&child, scope.sd, index, typeIndex);
}

void Engine::members(const Item& parent, std::string_view name, Collection& out,
                     const AstNode* site) {
  if (parent.type != ValueType::Node) return;
  const Node& node = *parent.node.node;
  const StructureDef* childSd = nullptr;
  uint32_t idx = 0;
  const MemberCacheEntry* cached =
      site ? site->memberCache.load(std::memory_order_acquire) : nullptr;
  if (cached && parent.node.sd != nullptr && cached->parentSd == parent.node.sd &&
      cached->parentElement == parent.element && cached->parentTypeIndex == parent.typeIndex) {
    childSd = cached->childSd;
    idx = cached->childIndex;
  } else if (parent.node.sd != nullptr) {
    const fhir::ElementScope scope = scopeOf(parent);
    if (findMember(scope, name, idx) != nullptr) childSd = scope.sd;
    if (site != nullptr) {
      program_.rememberMember(*site, {parent.node.sd, parent.element, parent.typeIndex, childSd, idx});
    }
  }
  const fhir::ElementScope scope{childSd, nullptr};
  if (const ElementDef* d = childSd ? &childSd->elements[idx] : nullptr) {
    for (const Node* c = node.firstChild; c; c = c->next) {
      if (!present(*c)) continue;
      if (!d->isChoice()) {
        if (fhir::sameName(c->name, name)) push(out, childItem(scope, idx, *c, 0));
        continue;
      }
      if (c->name.size() <= name.size() || c->name.compare(0, name.size(), name) != 0) continue;
      std::string_view suffix = c->name.substr(name.size());
      for (std::size_t k = 0; k < d->types.size(); ++k) {
        if (d->types[k].choiceSuffix == suffix) {
          push(out, childItem(scope, idx, *c, static_cast<uint8_t>(k)));
          break;
        }
      }
    }
    return;
  }
  // Not in the definition (or untyped input): the raw children of that name, untyped.
  for (const Node* c = node.firstChild; c; c = c->next) {
    if (fhir::sameName(c->name, name) && present(*c)) {
      push(out, c->isResource() ? resource(*c) : Item::ofNode(c, nullptr, 0));
    }
  }
}

void Engine::children(const Item& parent, Collection& out) {
  if (parent.type != ValueType::Node) return;
  const fhir::ElementScope scope = scopeOf(parent);
  for (const Node* c = parent.node.node->firstChild; c; c = c->next) {
    if (!present(*c)) continue;
    if (c->isResource()) {
      push(out, resource(*c));
      continue;
    }
    fhir::ElementMatch m = scope.valid() ? nav_->match(scope, c->name) : fhir::ElementMatch{};
    if (!m) {
      push(out, Item::ofNode(c, nullptr, 0));
      continue;
    }
    uint8_t typeIndex = 0;
    const ElementDef& d = m.def();
    for (std::size_t k = 0; k < d.types.size(); ++k) {
      if (&d.types[k] == m.type) typeIndex = static_cast<uint8_t>(k);
    }
    push(out, Item::ofNode(c, m.sd, m.index, typeIndex));
  }
}

bool Engine::isPrimitive(const Item& item) const {
  if (item.type != ValueType::Node) return false;
  if (item.node.sd == nullptr) return item.node.node->hasValue();
  return primitiveKind(fhirType(item)) != PrimitiveKind::NotPrimitive;
}

std::optional<Item> Engine::value(const Item& item) {
  if (item.type != ValueType::Node) return item;
  const Node& n = *item.node.node;
  const std::string_view type = fhirType(item);
  PrimitiveKind kind = primitiveKind(type);
  if (item.node.sd == nullptr && n.hasValue()) {
    switch (n.kind) {
      case fhir::ValueKind::Boolean: kind = PrimitiveKind::Boolean; break;
      case fhir::ValueKind::Number:
        kind = n.value.find_first_of(".eE") == std::string_view::npos ? PrimitiveKind::Integer
                                                                       : PrimitiveKind::Decimal;
        break;
      default: kind = PrimitiveKind::String; break;
    }
  }
  if (kind == PrimitiveKind::NotPrimitive) {
    if (!isQuantityType(type)) return item;
    auto v = Decimal::parse(n.childValue("value"));
    if (!v) return item;
    // A UCUM code is the unit FHIRPath compares with; otherwise the human-readable unit.
    std::string_view unit = n.childValue("code");
    if (unit.empty() || n.childValue("system") != "http://unitsofmeasure.org") {
      std::string_view text = n.childValue("unit");
      if (!text.empty()) unit = text;
    }
    return makeQuantity(Quantity{*v, unit.empty() ? std::string_view("1") : unit, false});
  }
  if (!n.hasValue()) return std::nullopt;
  switch (kind) {
    case PrimitiveKind::Boolean: return Item::ofBoolean(n.value == "true");
    case PrimitiveKind::Integer: {
      auto d = Decimal::parse(n.value);
      if (d && d->scale == 0 && d->digits() <= 18) {
        return Item::ofInteger(static_cast<int64_t>(d->mantissa));
      }
      return Item::ofString(n.value);
    }
    case PrimitiveKind::Decimal: {
      auto d = Decimal::parse(n.value);
      return d ? makeDecimal(*d) : Item::ofString(n.value);
    }
    case PrimitiveKind::Date:
    case PrimitiveKind::DateTime:
    case PrimitiveKind::Time: {
      const TemporalKind tk = kind == PrimitiveKind::Date       ? TemporalKind::Date
                              : kind == PrimitiveKind::DateTime ? TemporalKind::DateTime
                                                                : TemporalKind::Time;
      auto t = Temporal::parse(n.value, tk);
      return t ? makeTemporal(*t) : Item::ofString(n.value);
    }
    default:
      return Item::ofString(n.value);
  }
}

bool Engine::hasType(const Item& item, const TypeSpecifier& type, bool exact) const {
  if (!type.known) return false;
  if (type.system) return item.type == type.systemType;
  if (item.type != ValueType::Node) return false;
  const std::string_view actual = fhirType(item);
  if (actual.empty()) return false;
  if (actual == type.name) return true;
  if ((exact && !type.abstract) || defs_ == nullptr) return false;
  return defs_->specializes(actual, type.name);
}

Item resourceItem(const fhir::Definitions* definitions, const Node& resource) {
  const StructureDef* sd = definitions ? definitions->baseType(resource.resourceType) : nullptr;
  return Item::ofNode(&resource, sd, 0);
}

Item elementItem(const StructureDef& sd, uint32_t element, const Node& node, uint8_t typeIndex) {
  return Item::ofNode(&node, &sd, element, typeIndex);
}

}  // namespace renkei::fhirpath

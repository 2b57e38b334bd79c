// Compiles StructureDefinition snapshots into the linked ElementDef tree.
#include "structure_compiler.h"

#include <unordered_map>

#include "../node_util.h"
#include "renkei/fhir/terminology.h"

namespace renkei::fhir {
namespace {

constexpr std::string_view kFhirTypeExtension =
    "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";
constexpr std::string_view kSystemPrefix = "http://hl7.org/fhirpath/System.";
constexpr std::string_view kRegexExtension = "http://hl7.org/fhir/StructureDefinition/regex";

std::string fhirTypeCode(const Node& type) {
  std::string code = childString(type, "code");
  if (code.rfind(kSystemPrefix, 0) != 0) return code;
  for (const Node* e = type.firstChild; e; e = e->next) {
    if (e->name == "extension" && e->childValue("url") == kFhirTypeExtension) {
      if (const Node* v = childWithPrefix(*e, "value")) return std::string(v->value);
    }
  }
  std::string_view sys = std::string_view(code).substr(kSystemPrefix.size());
  if (sys == "String") return "string";
  if (sys == "Boolean") return "boolean";
  if (sys == "Integer") return "integer";
  if (sys == "Decimal") return "decimal";
  if (sys == "Date") return "date";
  if (sys == "DateTime") return "dateTime";
  if (sys == "Time") return "time";
  return "string";
}

BindingStrength parseStrength(std::string_view s) {
  if (s == "required") return BindingStrength::Required;
  if (s == "extensible") return BindingStrength::Extensible;
  if (s == "preferred") return BindingStrength::Preferred;
  if (s == "example") return BindingStrength::Example;
  return BindingStrength::None;
}

DiscriminatorType parseDiscriminator(std::string_view s) {
  if (s == "pattern") return DiscriminatorType::Pattern;
  if (s == "type") return DiscriminatorType::Type;
  if (s == "profile") return DiscriminatorType::Profile;
  if (s == "exists") return DiscriminatorType::Exists;
  return DiscriminatorType::Value;
}

std::string lastSegment(std::string_view path) {
  std::size_t dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

}  // namespace

std::string choiceSuffixFor(std::string_view typeCode) {
  std::string s(typeCode);
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

ElementPatch compileElement(const Node& e, Arena& arena, const std::string& sdUrl) {
  ElementPatch p;
  ElementDef& d = p.def;
  d.path = childString(e, "path");
  d.id = childString(e, "id");
  if (d.id.empty()) d.id = d.path;
  d.name = lastSegment(d.path);
  if (d.name.size() > 3 && d.name.compare(d.name.size() - 3, 3, "[x]") == 0) {
    d.choicePrefix = d.name.substr(0, d.name.size() - 3);
  }
  d.sliceName = childString(e, "sliceName");
  if (const Node* n = e.child("min")) {
    d.min = parseUint(n->value, 0);
    p.sets |= kSetMin;
  }
  if (const Node* n = e.child("max")) {
    d.max = n->value == "*" ? kUnbounded : parseUint(n->value, 1);
    p.sets |= kSetMax;
  }
  forEachNamed(e, "type", [&](const Node& t) {
    TypeRef ref;
    ref.code = fhirTypeCode(t);
    ref.choiceSuffix = choiceSuffixFor(ref.code);
    forEachNamed(t, "profile", [&](const Node& v) { ref.profiles.emplace_back(v.value); });
    forEachNamed(t, "targetProfile",
                 [&](const Node& v) { ref.targetProfiles.emplace_back(v.value); });
    d.types.push_back(std::move(ref));
    p.sets |= kSetTypes;
  });
  if (const Node* cr = e.child("contentReference")) {
    p.contentReference = std::string(cr->value);
    p.sets |= kSetContentReference;
  }
  if (const Node* b = e.child("binding")) {
    d.bindingStrength = parseStrength(b->childValue("strength"));
    d.valueSet = std::string(canonicalWithoutVersion(b->childValue("valueSet")));
    p.sets |= kSetBinding;
  }
  for (const Node* c = e.firstChild; c; c = c->next) {
    if (c->name.size() > 5 && c->name.substr(0, 5) == "fixed" && c->name[5] >= 'A' &&
        c->name[5] <= 'Z') {
      d.fixed = deepCopy(*c, arena);
      p.sets |= kSetFixed;
    } else if (c->name.size() > 7 && c->name.substr(0, 7) == "pattern" && c->name[7] >= 'A' &&
               c->name[7] <= 'Z') {
      d.pattern = deepCopy(*c, arena);
      p.sets |= kSetPattern;
    }
  }
  forEachNamed(e, "constraint", [&](const Node& c) {
    Constraint k;
    k.key = childString(c, "key");
    k.isError = c.childValue("severity") != "warning";
    k.human = childString(c, "human");
    k.expression = childString(c, "expression");
    k.source = childString(c, "source");
    if (k.source.empty()) k.source = sdUrl;
    d.constraints.push_back(std::move(k));
    p.sets |= kSetConstraints;
  });
  if (const Node* s = e.child("slicing")) {
    Slicing sl;
    forEachNamed(*s, "discriminator", [&](const Node& dn) {
      std::string path = childString(dn, "path");
      std::vector<std::string> segments = discriminatorSegments(path);
      sl.discriminators.push_back({parseDiscriminator(dn.childValue("type")), std::move(path), std::move(segments)});
    });
    sl.ordered = childBool(*s, "ordered");
    std::string_view rules = s->childValue("rules");
    sl.rules = rules == "closed"      ? SlicingRules::Closed
               : rules == "openAtEnd" ? SlicingRules::OpenAtEnd
                                      : SlicingRules::Open;
    d.slicing = std::move(sl);
    p.sets |= kSetSlicing;
  }
  if (const Node* n = e.child("maxLength")) {
    d.maxLength = parseUint(n->value, 0);
    p.sets |= kSetMaxLength;
  }
  if (const Node* n = e.child("mustSupport")) {
    d.mustSupport = n->value == "true";
    p.sets |= kSetMustSupport;
  }
  if (const Node* n = e.child("isModifier")) {
    d.isModifier = n->value == "true";
    p.sets |= kSetModifier;
  }
  forEachNamed(e, "extension", [&](const Node& x) {
    if (x.childValue("url") != kRegexExtension) return;
    auto re = Regex::compile(x.childValue("valueString"));
    if (re.ok()) {
      d.regex = std::move(re).value();
      p.sets |= kSetRegex;
    } else {
      p.error = re.status().message();
    }
  });
  forEachNamed(e, "representation", [&](const Node& r) {
    if (r.value == "xmlAttr") d.xmlAttribute = true;
  });
  return p;
}

std::unique_ptr<StructureDef> compileHeader(const Node& r) {
  auto sd = std::make_unique<StructureDef>();
  sd->url = childString(r, "url");
  sd->version = childString(r, "version");
  sd->name = childString(r, "name");
  sd->type = childString(r, "type");
  std::string_view kind = r.childValue("kind");
  sd->kind = kind == "primitive-type" ? StructureKind::PrimitiveType
             : kind == "resource"     ? StructureKind::Resource
             : kind == "logical"      ? StructureKind::Logical
                                      : StructureKind::ComplexType;
  sd->abstract = childBool(r, "abstract");
  sd->isConstraint = r.childValue("derivation") == "constraint";
  sd->baseDefinition = std::string(canonicalWithoutVersion(r.childValue("baseDefinition")));
  forEachNamed(r, "context", [&](const Node& c) {
    sd->contexts.push_back({childString(c, "type"), childString(c, "expression")});
  });
  return sd;
}

Status linkElements(StructureDef& sd, const std::vector<std::string>& contentRefs) {
  std::unordered_map<std::string_view, uint32_t> byId;
  byId.reserve(sd.elements.size() * 2);
  for (uint32_t i = 0; i < sd.elements.size(); ++i) {
    ElementDef& e = sd.elements[i];
    e.children.clear();
    e.slices.clear();
    e.parent = e.sliceOf = kNone;
    byId.emplace(e.id, i);
  }
  for (uint32_t i = 1; i < sd.elements.size(); ++i) {
    ElementDef& e = sd.elements[i];
    std::string_view id = e.id;
    // Slice names never contain '.', so the last '.' always separates the final segment.
    std::size_t dot = id.rfind('.');
    if (dot == std::string_view::npos) {
      return Status::invalidInput(sd.url + ": element '" + std::string(id) + "' has no parent");
    }
    std::string_view parentId = id.substr(0, dot);
    std::string_view segment = id.substr(dot + 1);
    auto parentIt = byId.find(parentId);
    if (parentIt == byId.end()) {
      return Status::invalidInput(sd.url + ": parent of element '" + std::string(id) +
                                  "' is missing");
    }
    std::size_t sliceColon = segment.rfind(':');
    if (sliceColon != std::string_view::npos) {
      // Slice (or re-slice "a:s/t") of the element named before the last ':' or '/'.
      std::string plainId = std::string(parentId) + "." + std::string(segment.substr(0, sliceColon));
      auto slicedIt = byId.end();
      std::size_t slash = segment.rfind('/');
      if (slash != std::string_view::npos && slash > sliceColon) {
        slicedIt = byId.find(id.substr(0, dot + 1 + slash));  // a re-slice "a:s/t"
      }
      if (slicedIt == byId.end()) slicedIt = byId.find(plainId);
      e.parent = static_cast<int32_t>(parentIt->second);
      if (slicedIt == byId.end()) {
        // Some published snapshots list a slice without its sliced element: treat it as the
        // element itself.
        sd.elements[parentIt->second].children.push_back(i);
        continue;
      }
      e.sliceOf = static_cast<int32_t>(slicedIt->second);
      sd.elements[slicedIt->second].slices.push_back(i);
    } else {
      e.parent = static_cast<int32_t>(parentIt->second);
      sd.elements[parentIt->second].children.push_back(i);
    }
  }
  for (ElementDef& e : sd.elements) {
    e.childKeys.clear();
    e.requiredChildren.clear();
    for (uint32_t pos = 0; pos < e.children.size(); ++pos) {
      const ElementDef& c = sd.elements[e.children[pos]];
      e.childKeys.push_back(c.isChoice() ? choiceNameKey(c.choicePrefix) : childNameKey(c.name));
      bool required = c.min > 0;
      for (uint32_t s : c.slices) required |= sd.elements[s].min > 0;
      if (required) e.requiredChildren.push_back(pos);
    }
  }
  for (uint32_t i = 0; i < sd.elements.size() && i < contentRefs.size(); ++i) {
    const std::string& ref = contentRefs[i];
    if (ref.empty()) continue;
    std::string_view target = ref;
    std::size_t hash = target.find('#');
    if (hash != std::string_view::npos) target = target.substr(hash + 1);
    auto it = byId.find(target);
    if (it == byId.end()) {
      for (uint32_t j = 0; j < sd.elements.size(); ++j) {
        if (sd.elements[j].path == target && sd.elements[j].sliceName.empty()) {
          it = byId.find(sd.elements[j].id);
          break;
        }
      }
    }
    if (it == byId.end()) {
      return Status::invalidInput(sd.url + ": content reference " + ref + " not found");
    }
    sd.elements[i].contentReference = static_cast<int32_t>(it->second);
  }
  return {};
}

Result<std::unique_ptr<StructureDef>> compileStructure(const Node& r, Arena& arena,
                                                       const std::string& origin) {
  auto sd = compileHeader(r);
  sd->origin = origin;
  const Node* snapshot = r.child("snapshot");
  if (snapshot == nullptr) return Status::invalidInput(sd->url + ": no snapshot");
  std::vector<std::string> contentRefs;
  Status failure;
  forEachNamed(*snapshot, "element", [&](const Node& e) {
    ElementPatch p = compileElement(e, arena, sd->url);
    if (!p.error.empty() && failure.ok()) failure = Status::invalidInput(sd->url + ": " + p.error);
    contentRefs.push_back(std::move(p.contentReference));
    sd->elements.push_back(std::move(p.def));
  });
  if (!failure.ok()) return failure;
  if (sd->elements.empty()) return Status::invalidInput(sd->url + ": empty snapshot");
  if (sd->kind == StructureKind::Resource) {
    // The logical id is published as System.String but defined as FHIR's id type (which
    // FHIRPath's type() and is(id) report).
    const std::string idPath = sd->elements.front().path + ".id";
    for (ElementDef& d : sd->elements) {
      if (d.path == idPath && d.types.size() == 1 && d.types.front().code == "string") {
        d.types.front().code = "id";
      }
    }
  }
  RENKEI_RETURN_IF_ERROR(linkElements(*sd, contentRefs));
  return sd;
}


std::vector<std::string> discriminatorSegments(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path == "$this") return out;
  std::size_t start = 0;
  int depth = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '(') ++depth;
    if (path[i] == ')') --depth;
    if (path[i] == '.' && depth == 0) {
      out.emplace_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  out.emplace_back(path.substr(start));
  return out;
}

}  // namespace renkei::fhir

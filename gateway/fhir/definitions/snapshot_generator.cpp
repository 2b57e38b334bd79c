// Differential → snapshot: copy the base elements, then for each differential element find or
// create its target (slices, or children expanded from the element's type) and overlay what the
// differential sets. Links are rebuilt from ids at the end.
#include "snapshot_generator.h"

#include <unordered_map>

#include "../node_util.h"
#include "structure_compiler.h"

namespace renkei::fhir {
namespace {

class Generator {
 public:
  Generator(StructureDef& sd, const Definitions& defs) : sd_(sd), defs_(defs) {}

  void copyBase(const StructureDef& base) {
    for (const ElementDef& e : base.elements) append(e, base, {});
  }

  Result<uint32_t> ensure(const std::string& id, int depth = 0) {
    if (auto it = index_.find(id); it != index_.end()) return it->second;
    if (depth > 64) return Status::invalidInput("element path too deep: " + id);
    std::size_t dot = id.rfind('.');
    if (dot == std::string::npos) return Status::invalidInput("unknown root element " + id);
    std::string parentId = id.substr(0, dot);
    std::string segment = id.substr(dot + 1);
    std::size_t colon = segment.find(':');
    if (colon != std::string::npos) return createSlice(id, parentId, segment, colon, depth);

    auto parent = ensure(parentId, depth + 1);
    if (!parent.ok()) return parent.status();
    if (auto it = index_.find(id); it != index_.end()) return it->second;
    Status expanded = expandFromType(parent.value());
    if (auto it = index_.find(id); it != index_.end()) return it->second;
    return Status::invalidInput("differential element " + id + " does not exist in the base" +
                                (expanded.ok() ? "" : " (" + expanded.message() + ")"));
  }

  void apply(uint32_t target, ElementPatch& p) {
    ElementDef& e = sd_.elements[target];
    const ElementDef& d = p.def;
    if (p.sets & kSetMin) e.min = d.min;
    if (p.sets & kSetMax) e.max = d.max;
    if (p.sets & kSetTypes) e.types = d.types;
    if (p.sets & kSetBinding) {
      e.bindingStrength = d.bindingStrength;
      e.valueSet = d.valueSet;
    }
    if (p.sets & kSetFixed) e.fixed = d.fixed;
    if (p.sets & kSetPattern) e.pattern = d.pattern;
    if (p.sets & kSetSlicing) e.slicing = d.slicing;
    if (p.sets & kSetConstraints) {
      for (const Constraint& c : d.constraints) e.constraints.push_back(c);
    }
    if (p.sets & kSetMustSupport) e.mustSupport = d.mustSupport;
    if (p.sets & kSetModifier) e.isModifier = d.isModifier;
    if (p.sets & kSetMaxLength) e.maxLength = d.maxLength;
    if (p.sets & kSetRegex) e.regex = d.regex;
    if (p.sets & kSetContentReference) contentRefs_[target] = p.contentReference;
  }

  Status finish() { return linkElements(sd_, contentRefs_); }

 private:
  // How copied elements are renamed: id prefix and path prefix replacements.
  struct Renaming {
    std::string idFrom, idTo, pathFrom, pathTo;
  };

  // Appends a renamed copy of `e`; `contentRef` is its content reference ("#id" or empty).
  uint32_t append(ElementDef c, const std::string& contentRef, const Renaming& r) {
    c.id = rename(c.id, r.idFrom, r.idTo);
    c.path = rename(c.path, r.pathFrom, r.pathTo);
    c.children.clear();
    c.slices.clear();
    uint32_t i = static_cast<uint32_t>(sd_.elements.size());
    contentRefs_.push_back(contentRef.empty() ? std::string()
                                              : "#" + rename(contentRef.substr(1), r.idFrom, r.idTo));
    index_[c.id] = i;
    sd_.elements.push_back(std::move(c));
    return i;
  }
  // Appends a copy of element `e` of another definition `src`.
  uint32_t append(const ElementDef& e, const StructureDef& src, const Renaming& r) {
    return append(e, e.contentReference == kNone ? std::string() : "#" + src.elements[e.contentReference].id, r);
  }
  // Appends a copy of element `k` of the snapshot being generated.
  uint32_t appendOwn(uint32_t k, const Renaming& r) {
    return append(ElementDef(sd_.elements[k]), std::string(contentRefs_[k]), r);
  }

  static std::string rename(const std::string& s, const std::string& from, const std::string& to) {
    if (from.empty() || s.compare(0, from.size(), from) != 0) return s;
    return to + s.substr(from.size());
  }

  // Copies the descendants of src.elements[i] (children and their slices), renamed.
  void copyDescendants(const StructureDef& src, uint32_t i, const Renaming& r) {
    for (uint32_t c : src.elements[i].children) {
      append(src.elements[c], src, r);
      copyDescendants(src, c, r);
      for (uint32_t s : src.elements[c].slices) {
        append(src.elements[s], src, r);
        copyDescendants(src, s, r);
      }
    }
  }

  Result<uint32_t> createSlice(const std::string& id, const std::string& parentId,
                               const std::string& segment, std::size_t colon, int depth) {
    std::string sliceName = segment.substr(colon + 1);
    std::size_t slash = sliceName.rfind('/');
    std::string slicedId = slash == std::string::npos
                               ? parentId + "." + segment.substr(0, colon)
                               : parentId + "." + segment.substr(0, colon + 1 + slash);
    auto sliced = ensure(slicedId, depth + 1);
    if (!sliced.ok()) return sliced.status();
    // The slice starts as a copy of the sliced element and its descendants (the elements whose
    // id continues the sliced element's id), renamed into the slice; paths stay as they are.
    const std::string from = sd_.elements[sliced.value()].id;
    const std::string prefix = from + ".";
    const std::size_t existing = sd_.elements.size();
    Renaming r{from, id, {}, {}};
    uint32_t i = appendOwn(sliced.value(), r);
    sd_.elements[i].sliceName = sliceName;
    sd_.elements[i].slicing.reset();
    for (std::size_t k = 0; k < existing; ++k) {
      if (sd_.elements[k].id.compare(0, prefix.size(), prefix) == 0) {
        appendOwn(static_cast<uint32_t>(k), r);
      }
    }
    return i;
  }

  Status expandFromType(uint32_t parent) {
    const ElementDef& p = sd_.elements[parent];
    if (p.types.size() != 1) {
      return Status::invalidInput("cannot step into " + p.id + ": it does not have exactly one type");
    }
    const TypeRef& t = p.types.front();
    const StructureDef* typeSd = nullptr;
    if (!t.profiles.empty()) typeSd = defs_.structure(t.profiles.front());
    if (typeSd == nullptr) typeSd = defs_.baseType(t.code);
    if (typeSd == nullptr) return Status::notFound("type " + t.code + " of " + p.id + " is unknown");
    Renaming r{typeSd->root().id, p.id, typeSd->root().path, p.path};
    copyDescendants(*typeSd, 0, r);
    return {};
  }

  StructureDef& sd_;
  const Definitions& defs_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> contentRefs_;
};

}  // namespace

Result<std::unique_ptr<StructureDef>> generateSnapshot(const Node& resource,
                                                       const Definitions& defs, Arena& arena,
                                                       const std::string& origin) {
  auto sd = compileHeader(resource);
  sd->origin = origin;
  const StructureDef* base = defs.structure(sd->baseDefinition);
  if (base == nullptr) {
    return Status::notFound(sd->url + ": base " + sd->baseDefinition + " is not loaded");
  }
  const Node* diff = resource.child("differential");
  if (diff == nullptr) return Status::invalidInput(sd->url + ": neither snapshot nor differential");
  Generator gen(*sd, defs);
  gen.copyBase(*base);
  Status failure;
  forEachNamed(*diff, "element", [&](const Node& e) {
    if (!failure.ok()) return;
    ElementPatch patch = compileElement(e, arena, sd->url);
    if (!patch.error.empty()) {
      failure = Status::invalidInput(sd->url + ": " + patch.error);
      return;
    }
    auto target = gen.ensure(patch.def.id);
    if (!target.ok()) {
      failure = Status(target.status().code(), sd->url + ": " + target.status().message());
      return;
    }
    gen.apply(target.value(), patch);
  });
  if (!failure.ok()) return failure;
  RENKEI_RETURN_IF_ERROR(gen.finish());
  return sd;
}

}  // namespace renkei::fhir

// Assigning repeating elements to slices: value, pattern, type, profile and exists
// discriminators, with FHIR's special handling of extension URLs.
#include "renkei/fhir/structure.h"
#include "validation_run.h"
#include "value_compare.h"

namespace renkei::fhir {
namespace {

std::string_view functionArgument(std::string_view seg, std::string_view fn) {
  if (seg.size() < fn.size() + 2 || seg.compare(0, fn.size(), fn) != 0 || seg[fn.size()] != '(') {
    return {};
  }
  std::string_view arg = seg.substr(fn.size() + 1, seg.size() - fn.size() - 2);
  if (arg.size() >= 2 && (arg.front() == '\'' || arg.front() == '"')) arg = arg.substr(1, arg.size() - 2);
  return arg;
}

}  // namespace

void ValidationRun::collectAtPath(const Node& n, const std::vector<std::string>& segments,
                                  std::size_t i, std::vector<const Node*>& out) {
  if (i == segments.size()) {
    out.push_back(&n);
    return;
  }
  std::string_view seg = segments[i];
  if (std::string_view url = functionArgument(seg, "extension"); !url.empty()) {
    for (const Node* c = n.firstChild; c; c = c->next) {
      if (c->name == "extension" && c->childValue("url") == url) collectAtPath(*c, segments, i + 1, out);
    }
    return;
  }
  if (seg == "resolve()") {
    if (const Node* target = resolveLocally(n.childValue("reference")).target) {
      collectAtPath(*target, segments, i + 1, out);
    }
    return;
  }
  if (!functionArgument(seg, "ofType").empty()) {
    collectAtPath(n, segments, i + 1, out);
    return;
  }
  for (const Node* c = n.firstChild; c; c = c->next) {
    // "value" also reaches a choice element ("valueCode").
    bool choice = c->name.size() > seg.size() && c->name.compare(0, seg.size(), seg) == 0 &&
                  c->name[seg.size()] >= 'A' && c->name[seg.size()] <= 'Z';
    if (c->name == seg || choice) collectAtPath(*c, segments, i + 1, out);
  }
}

namespace {

// The element definition reached by following the first `count` of `segments` from `start` inside
// `sd`, or -1.
int32_t defAtPath(const StructureDef& sd, uint32_t start, const std::vector<std::string>& segments,
                  std::size_t count, std::size_t* consumed) {
  uint32_t cur = start;
  std::size_t i = 0;
  for (; i < count; ++i) {
    const ElementDef& e = sd.elements[cur];
    const ElementDef& scope = e.contentReference != kNone ? sd.elements[e.contentReference] : e;
    int32_t next = kNone;
    std::string_view seg = segments[i];
    std::string_view url = functionArgument(seg, "extension");
    for (uint32_t c : scope.children) {
      const ElementDef& ce = sd.elements[c];
      if (!url.empty() && ce.name == "extension") {
        for (uint32_t s : ce.slices) {
          const ElementDef& slice = sd.elements[s];
          for (const TypeRef& t : slice.types) {
            for (const std::string& p : t.profiles) {
              if (p == url) next = static_cast<int32_t>(s);
            }
          }
        }
      } else if (ce.name == seg || (ce.isChoice() && ce.choicePrefix == seg)) {
        next = static_cast<int32_t>(c);
      }
      if (next != kNone) break;
    }
    if (next == kNone) break;
    cur = static_cast<uint32_t>(next);
  }
  *consumed = i;
  return static_cast<int32_t>(cur);
}

// A slice defined by the fixed/pattern values of its descendants (a value discriminator on
// "$this" whose element has none itself): the instance must carry every such value.
// Returns false when nothing below `defIdx` is fixed (the slice cannot be recognised by value).
bool matchesDescendantValues(const Node& instance, const StructureDef& sd, uint32_t defIdx,
                             bool* sawConstraint) {
  const ElementDef& d = sd.elements[defIdx];
  for (uint32_t c : d.children) {
    const ElementDef& cd = sd.elements[c];
    const Node* expected = cd.fixed ? cd.fixed : cd.pattern;
    bool childHasConstraint = false;
    bool any = false;
    for (const Node* n = instance.firstChild; n; n = n->next) {
      if (n->name != cd.name) continue;
      bool ok = true;
      if (expected) {
        childHasConstraint = true;
        ok = cd.fixed ? equalsFixed(*n, *expected) : containsPattern(*n, *expected);
      }
      if (ok && !cd.children.empty()) ok = matchesDescendantValues(*n, sd, c, &childHasConstraint);
      if (ok) any = true;
    }
    if (!any && !expected && !cd.children.empty()) {
      // Nothing present: only a problem if something below is constrained.
      bool below = false;
      Node empty;
      matchesDescendantValues(empty, sd, c, &below);
      childHasConstraint = below;
    }
    if (childHasConstraint) {
      *sawConstraint = true;
      if (!any) return false;
    }
  }
  return true;
}

}  // namespace

bool ValidationRun::conformsTo(const Node& node, const StructureDef& profile) {
  std::vector<Issue> scratchIssues;
  ValidationOptions quiet = options_;
  quiet.maxIssues = 1;
  ValidationRun nested(defs_, invariants_, quiet, nullptr, scratchIssues);
  nested.path_ = path_;
  nested.resources_ = resources_;
  if (node.isResource()) {
    nested.resources_.push_back(
        {&node, resources_.empty() ? nullptr : resources_.back().bundle, nested.path_.size()});
    nested.checkResourceAgainst(node, profile, Pass::Base);
    if (&profile != defs_.baseType(profile.type)) nested.checkResourceAgainst(node, profile, Pass::Profile);
  } else {
    nested.baseWalkedAlongside_ = false;
    nested.checkChildren(node, nav_.rootScope(profile), Pass::Profile);
    nested.checkFixedAndPattern(node, profile.root());
  }
  for (const Issue& i : scratchIssues) {
    if (isErrorOrFatal(i.severity)) return false;
  }
  return true;
}

bool ValidationRun::discriminatorMatches(const Node& node, const StructureDef& sd, uint32_t sliceIdx,
                                         const ElementDef& sliced, const Discriminator& d) {
  const ElementDef& slice = sd.elements[sliceIdx];
  const bool isExtension = sliced.name == "extension" || sliced.name == "modifierExtension";
  if (isExtension && d.path == "url") {
    std::string_view url = node.childValue("url");
    for (const TypeRef& t : slice.types) {
      for (const std::string& p : t.profiles) {
        if (p == url) return true;
      }
    }
    static const std::vector<std::string> kUrl{"url"};
    std::size_t consumed = 0;
    int32_t def = defAtPath(sd, sliceIdx, kUrl, kUrl.size(), &consumed);
    if (consumed == 1 && def != kNone) {
      const ElementDef& u = sd.elements[static_cast<uint32_t>(def)];
      const Node* expected = u.fixed ? u.fixed : u.pattern;
      return expected && expected->value == url;
    }
    return false;
  }

  // Reused per thread: slice matching runs for every repeating element of a profile.
  thread_local std::vector<const Node*> found;
  const std::vector<std::string>& segments = d.segments;
  found.clear();
  collectAtPath(node, segments, 0, found);

  // "…resolve()" (a profile discriminator on what a Reference points to): the definition is the
  // Reference element's, whose target profiles the resolved resource must conform to.
  const bool resolves = !segments.empty() && segments.back() == "resolve()";
  const std::size_t defCount = segments.size() - (resolves ? 1 : 0);
  std::size_t consumed = 0;
  int32_t defIdx = defCount == 0 ? static_cast<int32_t>(sliceIdx) : defAtPath(sd, sliceIdx, segments, defCount, &consumed);
  if (defIdx == kNone) return false;
  if (resolves && consumed == defCount) consumed = segments.size();
  const ElementDef& target = sd.elements[static_cast<uint32_t>(defIdx)];

  switch (d.type) {
    case DiscriminatorType::Value:
    case DiscriminatorType::Pattern: {
      const Node* expected = target.fixed ? target.fixed : target.pattern;
      bool pattern = target.fixed == nullptr;
      // The path may continue inside a fixed or pattern value defined higher up.
      for (std::size_t i = consumed; expected && i < segments.size(); ++i) {
        expected = expected->child(segments[i]);
      }
      if (expected == nullptr && consumed == segments.size()) {
        for (const Node* f : found) {
          bool constrained = false;
          if (matchesDescendantValues(*f, sd, static_cast<uint32_t>(defIdx), &constrained) &&
              constrained) {
            return true;
          }
        }
        return false;
      }
      if (expected == nullptr) return false;
      for (const Node* f : found) {
        if (pattern ? containsPattern(*f, *expected) : equalsFixed(*f, *expected)) return true;
      }
      return false;
    }
    case DiscriminatorType::Type: {
      if (consumed != segments.size()) return false;
      for (const Node* f : found) {
        std::string_view type = f->resourceType;
        if (type.empty() && target.isChoice() && f->name.size() > target.choicePrefix.size()) {
          type = f->name.substr(target.choicePrefix.size());
        }
        for (const TypeRef& t : target.types) {
          if (t.code == type || t.choiceSuffix == type) return true;
        }
      }
      return false;
    }
    case DiscriminatorType::Profile: {
      if (consumed != segments.size()) return false;
      // conformsTo() validates again and may match slices itself: work on a private copy.
      const std::vector<const Node*> candidates = found;
      for (const Node* f : candidates) {
        for (const TypeRef& t : target.types) {
          for (const std::string& url : t.profiles) {
            const StructureDef* p = defs_.structure(url);
            if (p && conformsTo(*f, *p)) return true;
          }
          for (const std::string& url : t.targetProfiles) {
            const StructureDef* p = defs_.structure(url);
            if (p && conformsTo(*f, *p)) return true;
          }
        }
      }
      return false;
    }
    case DiscriminatorType::Exists: {
      if (consumed != segments.size()) return false;
      if (target.max == 0) return found.empty();
      if (target.min > 0) return !found.empty();
      return false;
    }
  }
  return false;
}

int ValidationRun::matchSlice(const Node& node, const StructureDef& sd, const ElementDef& sliced) {
  const Slicing& slicing = *sliced.slicing;
  if (slicing.discriminators.empty()) return -1;
  for (std::size_t s = 0; s < sliced.slices.size(); ++s) {
    bool all = true;
    for (const Discriminator& d : slicing.discriminators) {
      if (!discriminatorMatches(node, sd, sliced.slices[s], sliced, d)) {
        all = false;
        break;
      }
    }
    if (all) return static_cast<int>(s);
  }
  return -1;
}

}  // namespace renkei::fhir

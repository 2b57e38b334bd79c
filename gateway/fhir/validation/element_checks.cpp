// The structural walk: resources, elements, children and cardinality, primitives, invariants.
#include <algorithm>
#include <array>

#include "../element_order.h"
#include "primitive_rules.h"
#include "validation_run.h"

namespace renkei::fhir {
namespace {

/// The logical id of a resource ("Patient.id"), as opposed to element ids ("HumanName.id").
bool isResourceIdDefinition(const ElementDef& def) {
  const std::string& p = def.path;
  return p.size() > 3 && p.compare(p.size() - 3, 3, ".id") == 0 &&
         p.find('.') == p.size() - 3 && def.types.size() == 1 && def.types.front().code == "id";
}

constexpr std::string_view kCoreSdPrefix = "http://hl7.org/fhir/StructureDefinition/";


// ele-1: an element needs a value or children other than its id.
bool hasContentBesidesId(const Node& n) {
  if (n.hasValue()) return true;
  for (const Node* c = n.firstChild; c; c = c->next) {
    if (c->name != "id") return true;
  }
  return false;
}

std::string cardinalityText(uint32_t max) {
  return max == kUnbounded ? "*" : std::to_string(max);
}

std::string_view jsonKindName(ValueKind k) {
  switch (k) {
    case ValueKind::Boolean: return "a boolean";
    case ValueKind::Number: return "a number";
    case ValueKind::String: return "a string";
    case ValueKind::None: break;
  }
  return "null";
}

}  // namespace

ValidationRun::ValidationRun(const Definitions& defs, const InvariantEvaluator* invariants,
                             const ValidationOptions& options, const Document* document,
                             std::vector<Issue>& out)
    : defs_(defs), nav_(defs), invariants_(invariants), options_(options), document_(document),
      out_(out) {
  auto& pool = workspacePool();
  if (pool.empty()) {
    workspace_ = std::make_unique<Workspace>();
  } else {
    workspace_ = std::move(pool.back());
    pool.pop_back();
  }
  swapWorkspace(*workspace_);
}

ValidationRun::~ValidationRun() {
  swapWorkspace(*workspace_);
  workspace_->path.clear();
  workspace_->resources.clear();
  workspace_->scratch.clear();
  workspace_->hostTypes.clear();
  workspace_->extensionUrls.clear();
  workspacePool().push_back(std::move(workspace_));
}

std::vector<std::unique_ptr<ValidationRun::Workspace>>& ValidationRun::workspacePool() {
  thread_local std::vector<std::unique_ptr<Workspace>> pool;
  return pool;
}

void ValidationRun::swapWorkspace(Workspace& w) {
  path_.swap(w.path);
  resources_.swap(w.resources);
  scratch_.swap(w.scratch);
  hostTypes_.swap(w.hostTypes);
  extensionUrls_.swap(w.extensionUrls);
}

void ValidationRun::report(Severity severity, IssueType type, const Node* at, std::string message,
                           std::string source) {
  if (out_.size() >= options_.maxIssues) {
    if (!truncated_) {
      truncated_ = true;
      Issue i;
      i.severity = Severity::Information;
      i.type = IssueType::TooCostly;
      i.message = "Validation stopped after " + std::to_string(options_.maxIssues) + " issues";
      out_.push_back(std::move(i));
    }
    return;
  }
  Issue i;
  i.severity = severity;
  i.type = type;
  i.message = std::move(message);
  i.expression = path();
  i.offset = at ? at->offset : kNoOffset;
  i.source = std::move(source);
  out_.push_back(std::move(i));
}

std::string ValidationRun::path() const {
  std::string out;
  for (const PathSegment& s : path_) {
    if (!out.empty()) out += '.';
    out += s.name;
    if (s.index >= 0) {
      out += '[';
      out += std::to_string(s.index);
      out += ']';
    }
  }
  return out;
}

void ValidationRun::validateRoot(const Node& resource) {
  path_.clear();
  path_.push_back({resource.resourceType, -1});
  checkResource(resource, options_.profiles);
}

void ValidationRun::checkResource(const Node& r, const std::vector<std::string>& extraProfiles) {
  const StructureDef* base = defs_.baseType(r.resourceType);
  if (base == nullptr || base->kind != StructureKind::Resource) {
    report(Severity::Error, IssueType::Structure, &r,
           "Unknown resource type '" + std::string(r.resourceType) + "'");
    return;
  }
  if (base->abstract) {
    report(Severity::Error, IssueType::Structure, &r,
           "'" + std::string(r.resourceType) + "' is abstract and cannot be instantiated");
    return;
  }
  ResourceFrame frame{&r, resources_.empty() ? nullptr : resources_.back().bundle, path_.size()};
  BundleIndex bundleIndex;
  if (r.resourceType == "Bundle") {
    bundleIndex = BundleIndex::build(r);
    frame.bundle = &bundleIndex;
  }
  resources_.push_back(frame);

  if (const Node* id = r.child("id"); id && id->hasValue()) {
    bool contained = resources_.size() > 1 && r.name == "contained";
    std::string why = primitiveProblem("id", id->value);
    if (!why.empty() && !(contained && options_.lenientContained)) {
      auto g = enter("id", -1);
      report(Severity::Error, IssueType::Invalid, id,
             "Invalid Resource id: " + why + " ('" + std::string(id->value) + "')");
    }
  }
  checkResourceAgainst(r, *base, Pass::Base);

  auto checkProfile = [&](std::string_view url) {
    const StructureDef* sd = defs_.structure(url);
    if (sd == nullptr) {
      report(Severity::Warning, IssueType::NotFound, &r,
             "Profile reference '" + std::string(url) + "' has not been checked because it is unknown");
    } else if (sd->type != r.resourceType) {
      report(Severity::Error, IssueType::Structure, &r,
             "The profile " + std::string(url) + " is for " + sd->type + ", not " + std::string(r.resourceType));
    } else if (sd != base) {
      checkResourceAgainst(r, *sd, Pass::Profile);
    }
  };
  for (const std::string& url : extraProfiles) checkProfile(url);
  if (const Node* meta = r.child("meta")) {
    for (const Node* p = meta->firstChild; p; p = p->next) {
      if (p->name == "profile" && p->hasValue()) checkProfile(p->value);
    }
  }
  if (r.resourceType == "Bundle") checkBundle(r);
  if (r.resourceType == "Questionnaire") checkQuestionnaireItems(r, r);
  checkContainedReferenced(r);
  checkNarrativePresent(r, *base);
  resources_.pop_back();
}

void ValidationRun::checkResourceAgainst(const Node& r, const StructureDef& sd, Pass pass) {
  if (pass == Pass::Profile) walkedTwice_ = true;
  hostTypes_.push_back(r.resourceType);
  checkChildren(r, nav_.rootScope(sd), pass);
  hostTypes_.pop_back();
  checkFixedAndPattern(r, sd.root());
  checkInvariants(r, sd, sd.root(), r.resourceType, pass);
}

void ValidationRun::checkElement(const Node& node, const StructureDef& sd, uint32_t index,
                                 const TypeRef* type, std::string_view typeCode, Pass pass) {
  const ElementDef& def = sd.elements[index];
  if (node.isResource()) {
    if (pass == Pass::Base) {
      checkResource(node, {});
      return;
    }
    const ElementDef& d = def.contentReference != kNone ? sd.elements[def.contentReference] : def;
    for (const TypeRef& t : d.types) {
      for (const std::string& profile : t.profiles) {
        const StructureDef* p = defs_.structure(profile);
        if (p && p->type == node.resourceType) checkResourceAgainst(node, *p, Pass::Profile);
      }
    }
    return;
  }
  if (typeCode.empty()) {
    if (pass == Pass::Base) {
      report(Severity::Error, IssueType::Structure, &node,
             "Cannot determine the type of element '" + std::string(node.name) + "'");
    }
    return;
  }
  if (typeCode == "Resource" || typeCode == "DomainResource") {
    if (pass == Pass::Base) {
      report(Severity::Error, IssueType::Structure, &node,
             "Element '" + std::string(node.name) + "' must contain a resource");
    }
    return;
  }
  if (isPrimitiveTypeName(typeCode)) {
    checkPrimitive(node, sd, def, typeCode, pass);
    if (pass == Pass::Base && typeCode == "canonical") checkCanonical(node, type);
    return;
  }
  if (pass == Pass::Base) {
    if (node.hasValue() && !node.has(kFromObject)) {
      report(Severity::Error, IssueType::Structure, &node,
             "The property '" + std::string(node.name) + "' must be an object, not " +
                 std::string(jsonKindName(node.kind)));
    } else if (!hasContentBesidesId(node) && !(sourceIsJson() && node.has(kFromObject) && !node.hasChildren())) {
      report(Severity::Error, IssueType::Invalid, &node,
             "Element must have some content (ele-1: All FHIR elements must have a @value or "
             "children)");
    }
  }
  if (typeCode == "Extension" && checkExtension(node, def, sd, pass)) return;
  ElementScope scope = nav_.childScope(sd, index, type, typeCode);
  if (!scope.valid()) {
    if (pass == Pass::Base) {
      report(Severity::Error, IssueType::Structure, &node,
             "Unknown type '" + std::string(typeCode) + "'");
    }
    return;
  }
  if (!repeatsBaseWalk(scope, pass)) {
    hostTypes_.push_back(typeCode);
    checkChildren(node, scope, pass);
    hostTypes_.pop_back();
  }
  checkFixedAndPattern(node, def);
  checkBinding(node, def, typeCode);
  if (pass == Pass::Base && typeCode == "Reference") checkReference(node, type);
  if (pass == Pass::Base && typeCode == "Coding") checkCodingAgainstCodeSystem(node);
  if (pass == Pass::Base && typeCode == "Attachment") checkAttachment(node);
  checkInvariants(node, sd, def, typeCode, pass);
  checkTypeInvariants(node, type, typeCode, pass);
}

void ValidationRun::checkPrimitive(const Node& node, const StructureDef& sd,
                                   const ElementDef& def, std::string_view typeCode, Pass pass) {
  if (pass == Pass::Base) {
    if (node.has(kFromObject)) {
      report(Severity::Error, IssueType::Structure, &node,
             "The property '" + std::string(node.name) +
                 "' must be a primitive value, not an object (use '_" + std::string(node.name) +
                 "' for id and extensions)");
    }
    if (node.hasValue()) {
      if (sourceIsJson()) {
        ValueKind want = typeCode == "boolean"                ? ValueKind::Boolean
                         : isJsonNumberPrimitive(typeCode) ? ValueKind::Number
                                                              : ValueKind::String;
        if (node.kind != want) {
          report(Severity::Error, IssueType::Invalid, &node,
                 "Error parsing JSON: the primitive value must be " +
                     std::string(jsonKindName(want)) + " (found " +
                     std::string(jsonKindName(node.kind)) + ")");
        }
      }
      if (typeCode == "xhtml") {
        checkXhtml(node);
      } else if (isResourceIdDefinition(def)) {
        // Checked with the resource, where contained resources may be treated leniently.
      } else {
        std::string why = primitiveProblem(typeCode, node.value);
        if (!why.empty()) {
          std::string shown(node.value.substr(0, 100));
          report(Severity::Error, IssueType::Invalid, &node,
                 "The value '" + shown + "' is not a valid " + std::string(typeCode) + ": " + why);
        }
        if (typeCode == "url" && !options_.allowExampleUrls) checkExampleUrl(node);
        if (options_.securityChecks || (options_.noHtmlInMarkdown && typeCode == "markdown")) {
          checkActiveContent(node, typeCode);
        }
      }
    } else if (!hasContentBesidesId(node)) {
      report(Severity::Error, IssueType::Invalid, &node,
             node.has(kNullInArray)
                 ? std::string("A null entry in a primitive array needs an id or extension in "
                               "the matching '_" + std::string(node.name) + "' entry")
                 : std::string("Primitive element must have a value or extensions (ele-1)"));
    }
  }
  if (def.regex && node.hasValue()) {
    auto m = def.regex->fullMatch(node.value);
    if (!m.ok()) {
      report(Severity::Warning, IssueType::Processing, &node,
             "The value could not be checked against the pattern: " + m.status().message());
    } else if (!m.value()) {
      report(Severity::Error, IssueType::Value, &node,
             "The value '" + std::string(node.value.substr(0, 100)) +
                 "' does not match the required pattern '" + def.regex->source() + "'");
    }
  }
  if (def.maxLength > 0 && node.value.size() > def.maxLength) {
    report(Severity::Error, IssueType::Invalid, &node,
           "The value is longer than the maximum length of " + std::to_string(def.maxLength));
  }
  if (node.hasChildren()) {
    ElementScope scope = nav_.typeScope(typeCode);
    if (scope.valid() && !repeatsBaseWalk(scope, pass)) {
      hostTypes_.push_back(typeCode);
      checkChildren(node, scope, pass);
      hostTypes_.pop_back();
    }
  }
  checkFixedAndPattern(node, def);
  checkBinding(node, def, typeCode);
  checkInvariants(node, sd, def, typeCode, pass);
}

void ValidationRun::checkChildren(const Node& node, const ElementScope& scope, Pass pass) {
  const std::size_t start = scratch_.size();
  uint32_t lastOrder = 0, hint = 0;
  for (const Node* c = node.firstChild; c; c = c->next) {
    ElementMatch m = nav_.match(scope, c->name, hint);
    if (m) hint = m.order;
    if (!m) {
      auto g = enter(c->name, -1);
      if (pass == Pass::Base) {
        report(Severity::Error, IssueType::Structure, c,
               "Unrecognized element '" + std::string(c->name) + "'");
      } else {
        report(Severity::Error, IssueType::Structure, c,
               "Element '" + std::string(c->name) + "' is not allowed by the profile " +
                   scope.sd->url);
      }
      continue;
    }
    if (pass == Pass::Base && sourceIsXml() && !c->has(kXmlAttribute)) {
      if (m.order < lastOrder) {
        auto g = enter(c->name, -1);
        report(Severity::Error, IssueType::Invalid, c,
               "Element '" + std::string(c->name) + "' is out of order");
      }
      lastOrder = std::max(lastOrder, m.order);
    }
    scratch_.push_back({c, m});
  }
  // Group by definition order; an insertion sort (stable, no allocation) because children mostly
  // arrive in order already.
  for (std::size_t i = start + 1; i < scratch_.size(); ++i) {
    MatchedChild moving = scratch_[i];
    std::size_t j = i;
    while (j > start && scratch_[j - 1].match.order > moving.match.order) {
      scratch_[j] = scratch_[j - 1];
      --j;
    }
    scratch_[j] = moving;
  }
  const std::size_t end = scratch_.size();
  const StructureDef& sd = *scope.sd;
  const std::vector<uint32_t>& children = scope.children();
  // Required definitions with no instance element at all (the groups below cover the rest).
  {
    std::size_t k = start;
    for (uint32_t pos : scope.parent->requiredChildren) {
      while (k < end && scratch_[k].match.order < pos) ++k;
      if (k < end && scratch_[k].match.order == pos) continue;
      checkGroup(node, sd, children[pos], 0, 0, pass);
    }
  }
  for (std::size_t k = start; k < end;) {
    const uint32_t pos = scratch_[k].match.order;
    std::size_t groupEnd = k;
    while (groupEnd < end && scratch_[groupEnd].match.order == pos) ++groupEnd;
    checkGroup(node, sd, children[pos], k, groupEnd - k, pass);
    k = groupEnd;
  }
  scratch_.resize(start);
}

void ValidationRun::checkGroup(const Node& node, const StructureDef& sd, uint32_t defIndex,
                               std::size_t groupStart, std::size_t count, Pass pass) {
  const ElementDef& d = sd.elements[defIndex];
  if (count < d.min) {
    report(Severity::Error, IssueType::Structure, &node,
           d.path + ": minimum required = " + std::to_string(d.min) + ", but only found " +
               std::to_string(count) + " (from " + sd.url + ")");
  }
  if (d.max != kUnbounded && count > d.max) {
    report(Severity::Error, IssueType::Structure, &node,
           d.path + ": max allowed = " + cardinalityText(d.max) + ", but found " +
               std::to_string(count) + " (from " + sd.url + ")");
  }
  // Below here such a profile only repeats the base walk (and has no slices).
  if (pass == Pass::Profile && baseWalkedAlongside_ && d.profileAddsNothing) return;
  const bool sliced = d.slicing.has_value() && !d.slices.empty();
  // Per slice, the children that matched it (the usual few slices without an allocation).
  std::array<uint32_t, 16> fewCounts{};
  std::vector<uint32_t> manyCounts(sliced && d.slices.size() > fewCounts.size() ? d.slices.size() : 0, 0);
  uint32_t* sliceCounts = manyCounts.empty() ? fewCounts.data() : manyCounts.data();
  for (std::size_t i = groupStart; i < groupStart + count; ++i) {
    const MatchedChild mc = scratch_[i];  // copy: recursion grows scratch_
    const Node& c = *mc.node;
    const int indexInGroup = static_cast<int>(i - groupStart);
    if (pass == Pass::Base && sourceIsJson()) {
      if (d.repeats() && !c.has(kFromArray)) {
        auto g = enter(c.name, -1);
        report(Severity::Error, IssueType::Invalid, &c,
               "The property " + std::string(c.name) + " must be a JSON Array, not a single value");
      } else if (!d.repeats() && c.has(kFromArray)) {
        auto g = enter(c.name, -1);
        report(Severity::Error, IssueType::Invalid, &c,
               "The property " + std::string(c.name) + " must be a single value, not an array");
      }
    }
    uint32_t ctxIndex = mc.match.index;
    const TypeRef* type = mc.match.type;
    if (sliced) {
      int s = matchSlice(c, sd, d);
      if (s >= 0) {
        ++sliceCounts[static_cast<std::size_t>(s)];
        ctxIndex = d.slices[static_cast<std::size_t>(s)];
        const ElementDef& slice = sd.elements[ctxIndex];
        for (const TypeRef& t : slice.types) {
          if (t.code == mc.match.typeCode) type = &t;
        }
      } else if (d.slicing->rules == SlicingRules::Closed) {
        auto g = enter(c.name, d.repeats() ? indexInGroup : -1);
        report(Severity::Error, IssueType::Structure, &c,
               "This element does not match any known slice defined in the profile " + sd.url +
                   " and slicing is closed");
      }
    }
    auto g = enter(c.name, d.repeats() ? indexInGroup : -1);
    checkElement(c, sd, ctxIndex, type, mc.match.typeCode, pass);
  }
  for (std::size_t s = 0; s < d.slices.size() && sliced; ++s) {
    const ElementDef& slice = sd.elements[d.slices[s]];
    if (sliceCounts[s] < slice.min) {
      report(Severity::Error, IssueType::Structure, &node,
             "Slice '" + d.path + ":" + slice.sliceName +
                 "': a matching slice is required, but not found (from " + sd.url + ")");
    }
    if (slice.max != kUnbounded && sliceCounts[s] > slice.max) {
      report(Severity::Error, IssueType::Structure, &node,
             "Slice '" + d.path + ":" + slice.sliceName + "': max allowed = " +
                 cardinalityText(slice.max) + ", but found " + std::to_string(sliceCounts[s]) +
                 " (from " + sd.url + ")");
    }
  }
}

void ValidationRun::evaluateInvariants(const Node& node, const StructureDef& sd, const ElementDef& def,
                                       std::string_view typeCode, Pass pass) {
  for (const Constraint& c : def.constraints) {
    if (c.checkedNatively || c.expression.empty()) continue;
    // A profile's snapshot repeats the core constraints the base walk already evaluated.
    if (pass == Pass::Profile && c.source.compare(0, kCoreSdPrefix.size(), kCoreSdPrefix) == 0) {
      continue;
    }
    InvariantScope scope;
    scope.resource = resources_.back().resource;
    // %rootResource: the container of a contained resource, otherwise the resource itself.
    std::size_t root = resources_.size() - 1;
    while (root > 0 && resources_[root].resource->name == "contained") --root;
    scope.rootResource = resources_[root].resource;
    scope.focusType = typeCode;
    scope.sd = &sd;
    scope.element = static_cast<uint32_t>(&def - sd.elements.data());
    for (std::size_t k = 0; k < def.types.size(); ++k) {
      if (def.types[k].code == typeCode) scope.typeIndex = static_cast<uint8_t>(k);
    }
    auto ok = invariants_->holds(c, node, scope);
    if (!ok.ok()) {
      report(Severity::Warning, IssueType::Processing, &node,
             "Constraint " + c.key + " could not be evaluated: " + ok.status().message(), c.key);
    } else if (!ok.value()) {
      report(c.isError ? Severity::Error : Severity::Warning, IssueType::Invariant, &node,
             "Constraint failed: " + c.key + ": '" + c.human + "'", c.key);
    }
  }
}

void ValidationRun::checkTypeInvariants(const Node& node, const TypeRef* type,
                                        std::string_view typeCode, Pass pass) {
  const StructureDef* typeSd = nullptr;
  if (pass == Pass::Base) {
    typeSd = type && type->code == typeCode && type->typeSd ? type->typeSd : defs_.baseType(typeCode);
  } else if (type && type->code == typeCode) {
    typeSd = type->profileSd;
  }
  if (typeSd != nullptr) checkInvariants(node, *typeSd, typeSd->root(), typeCode, pass);
}

}  // namespace renkei::fhir

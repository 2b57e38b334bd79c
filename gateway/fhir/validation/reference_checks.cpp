// References: their format, the target types the element allows, and resolution inside the
// resource (contained) and the enclosing Bundle under FHIR's fullUrl rules; plus the Bundle's
// own rules (fullUrl, search results, links, document reachability).
#include <algorithm>
#include <deque>

#include "primitive_rules.h"
#include "validation_run.h"

namespace renkei::fhir {
namespace {

std::string_view typeOf(std::string_view typeId) { return typeId.substr(0, typeId.find('/')); }
std::string_view idOf(std::string_view typeId) { return typeId.substr(typeId.find('/') + 1); }

bool isTransactionLike(std::string_view bundleType) {
  return bundleType == "transaction" || bundleType == "batch" ||
         bundleType == "transaction-response" || bundleType == "batch-response";
}

bool isRestfulUrl(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

/// Every local reference ("#id", "#") anywhere below `n`: reference elements, other
/// primitives (canonical, uri) and links in narrative (src="#id", href="#id").
void collectLocalReferences(const Node& n, std::vector<std::string_view>& out) {
  for (const Node* c = n.firstChild; c; c = c->next) {
    std::string_view v = c->value;
    if (!v.empty() && v[0] == '#') out.push_back(v);
    if (c->name == "div" && v.find("\"#") != std::string_view::npos) {
      for (std::size_t at = v.find("\"#"); at != std::string_view::npos; at = v.find("\"#", at + 1)) {
        std::size_t end = v.find('"', at + 1);
        if (end != std::string_view::npos) out.push_back(v.substr(at + 1, end - at - 1));
      }
    }
    collectLocalReferences(*c, out);
  }
}

void collectReferences(const Node& n, std::vector<std::string_view>& out) {
  for (const Node* c = n.firstChild; c; c = c->next) {
    if (c->name == "reference" && c->hasValue() && !c->hasChildren()) out.push_back(c->value);
    if (!c->isResource()) collectReferences(*c, out);
  }
}

}  // namespace

void ValidationRun::checkContainedReferenced(const Node& resource) {
  if (options_.lenientContained || resource.child("contained") == nullptr) return;
  std::vector<std::string_view> references;
  collectLocalReferences(resource, references);
  int index = -1;
  for (const Node* c = resource.firstChild; c; c = c->next) {
    if (c->name != "contained") continue;
    ++index;
    std::string_view id = c->childValue("id");
    bool referenced = false;
    for (std::string_view r : references) {
      if (r.size() == id.size() + 1 && r.substr(1) == id) referenced = true;
    }
    if (!referenced) {
      std::vector<std::string_view> outward;
      collectLocalReferences(*c, outward);
      referenced = std::find(outward.begin(), outward.end(), "#") != outward.end();
    }
    if (!referenced) {
      auto g = enter("contained", index);
      report(Severity::Error, IssueType::Invariant, c,
             "Constraint failed: dom-3: 'If the resource is contained in another resource, it "
             "SHALL be referred to from elsewhere in the resource or SHALL refer to the "
             "containing resource'",
             "dom-3");
    }
  }
}

std::string_view ValidationRun::currentEntryFullUrl() const {
  for (auto it = resources_.rbegin(); it != resources_.rend(); ++it) {
    if (it->bundle == nullptr) continue;
    std::string_view fullUrl = it->bundle->fullUrlOf(it->resource);
    if (!fullUrl.empty()) return fullUrl;
  }
  return {};
}

Resolution ValidationRun::resolveLocally(std::string_view ref) {
  if (ref.empty() || resources_.empty()) return {};
  if (ref[0] == '#') {
    // Contained references resolve within the outermost resource that is not itself contained.
    std::size_t i = resources_.size() - 1;
    while (i > 0 && resources_[i].resource->name == "contained") --i;
    return resolveContained(*resources_[i].resource, ref);
  }
  const BundleIndex* bundle = resources_.back().bundle;
  if (bundle == nullptr) return {};
  return resolveInBundle(*bundle, ref, currentEntryFullUrl());
}

void ValidationRun::checkReference(const Node& node, const TypeRef* type) {
  const Node* refNode = node.child("reference");
  if (refNode == nullptr || !refNode->hasValue()) return;
  std::string_view ref = refNode->value;
  std::string_view impliedType;
  bool local = false;  // resolvable only inside this Bundle or resource

  if (ref[0] == '#') {
    if (resolveLocally(ref).target == nullptr) {
      auto g = enter("reference", -1);
      report(Severity::Error, IssueType::Invariant, refNode,
             "The contained resource '" + std::string(ref.substr(1)) +
                 "' is not found (ref-1: SHALL have a contained resource if a local reference is "
                 "provided)",
             "ref-1");
    }
    return;
  }
  if (ref.rfind("urn:", 0) == 0) {
    local = true;
  } else if (ref.find('?') != std::string_view::npos) {
    const BundleIndex* b = resources_.back().bundle;
    if (b == nullptr || !isTransactionLike(b->type)) {
      auto g = enter("reference", -1);
      report(Severity::Error, IssueType::Invalid, refNode,
             "Conditional references (" + std::string(ref) +
                 ") are only allowed in transaction and batch Bundles");
    }
    return;
  } else if (hasUriScheme(ref)) {
    std::string_view ti = referenceTypeAndId(ref);
    if (!ti.empty() && defs_.isResourceType(typeOf(ti))) impliedType = typeOf(ti);
  } else {
    std::string_view ti = referenceTypeAndId(ref);
    if (ref.find('/') == std::string_view::npos) {
      report(Severity::Error, IssueType::Invalid, refNode,
             "Relative URLs must be of the format [ResourceName]/[id]. Encountered " +
                 std::string(ref));
      return;
    }
    if (ti.empty() || !defs_.isResourceType(typeOf(ti)) || !primitiveProblem("id", idOf(ti)).empty()) {
      report(Severity::Warning, IssueType::Invalid, refNode,
             "The syntax of the reference '" + std::string(ref) +
                 "' looks incorrect, and it should be checked");
      return;
    }
    impliedType = typeOf(ti);
    local = true;
  }

  // Allowed target types come from the element's targetProfiles ("Resource" allows any).
  const std::vector<std::string_view>* targets = type ? &type->targetTypes : nullptr;
  const bool any = targets == nullptr || targets->empty() ||
                   std::find(targets->begin(), targets->end(), "Resource") != targets->end();
  auto isAllowed = [&](std::string_view t) {
    return any || std::find(targets->begin(), targets->end(), t) != targets->end();
  };
  auto allowedText = [&] {
    std::string s;
    for (std::string_view t : *targets) s += (s.empty() ? "" : ", ") + std::string(t);
    return s;
  };
  if (!impliedType.empty() && !isAllowed(impliedType)) {
    report(Severity::Error, IssueType::Structure, refNode,
           "The type '" + std::string(impliedType) +
               "' implied by the reference URL is not a valid Target for this element (must be "
               "one of [" + allowedText() + "])");
    return;
  }
  std::string_view declared = node.childValue("type");
  if (!declared.empty() && !impliedType.empty() && declared != impliedType) {
    report(Severity::Error, IssueType::Structure, refNode,
           "The type '" + std::string(declared) + "' does not match the reference URL type '" +
               std::string(impliedType) + "'");
  }
  Resolution found = resolveLocally(ref);
  if (found.matches > 1) {
    report(Severity::Error, IssueType::Forbidden, &node,
           "Multiple matches in bundle for reference " + std::string(ref));
    return;
  }
  if (found.target && found.target->isResource() &&
      (!isAllowed(found.target->resourceType) ||
       (!impliedType.empty() && impliedType != found.target->resourceType))) {
    report(Severity::Error, IssueType::Required, &node,
           "Matching reference for reference " + std::string(ref) + " has resourceType " +
               std::string(found.target->resourceType) + ", which is not allowed (must be one of [" +
               allowedText() + "])");
    return;
  }
  const BundleIndex* bundle = resources_.back().bundle;
  if (found.target == nullptr && local && bundle && bundle->type == "document") {
    report(Severity::Error, IssueType::NotFound, &node,
           "Can't find '" + std::string(ref) + "' in the bundle");
  }
}

void ValidationRun::checkCanonical(const Node& node, const TypeRef* type) {
  if (!node.hasValue()) return;
  std::string_view url = node.value;
  if (!hasUriScheme(url) && url[0] != '#') {
    report(Severity::Error, IssueType::Invalid, &node,
           "Canonical URLs must be absolute URLs if they are not fragment references (" +
               std::string(url) + ")");
    return;
  }
  if (type == nullptr || type->targetProfiles.empty()) return;
  std::string_view found;
  if (const StructureDef* sd = defs_.structure(url)) {
    found = "StructureDefinition";
    (void)sd;
  } else if (defs_.terminology().valueSet(url)) {
    found = "ValueSet";
  } else if (defs_.terminology().codeSystem(url)) {
    found = "CodeSystem";
  } else {
    return;
  }
  std::string expected;
  for (const std::string& p : type->targetProfiles) {
    const StructureDef* sd = defs_.structure(p);
    std::string t = sd ? sd->type : p;
    if (t == found || t == "Resource") return;
    expected += (expected.empty() ? "" : ", ") + t;
  }
  report(Severity::Error, IssueType::Invalid, &node,
         "Canonical URL '" + std::string(url) + "' refers to a resource that has the wrong type. Found " +
             std::string(found) + " expecting one of [" + expected + "]");
}

void ValidationRun::checkDocumentReachability(const BundleIndex& bundle) {
  const std::size_t n = bundle.entries.size();
  if (n == 0 || bundle.entries[0].resource == nullptr ||
      bundle.entries[0].resource->resourceType != "Composition") {
    return;
  }
  std::vector<std::vector<std::size_t>> edges(n);
  std::vector<std::string_view> refs;
  for (std::size_t i = 0; i < n; ++i) {
    const BundleIndex::Entry& e = bundle.entries[i];
    if (e.resource == nullptr) continue;
    refs.clear();
    collectReferences(*e.resource, refs);
    for (std::string_view ref : refs) {
      Resolution r = resolveInBundle(bundle, ref, e.fullUrl);
      if (r.target == nullptr) continue;
      std::size_t j = bundle.entryOfResource.at(r.target);
      edges[i].push_back(j);
      edges[j].push_back(i);
    }
  }
  std::vector<char> seen(n, 0);
  std::deque<std::size_t> queue{0};
  seen[0] = 1;
  while (!queue.empty()) {
    std::size_t i = queue.front();
    queue.pop_front();
    for (std::size_t j : edges[i]) {
      if (!seen[j]) {
        seen[j] = 1;
        queue.push_back(j);
      }
    }
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (seen[i] || bundle.entries[i].resource == nullptr) continue;
    auto g = enter("entry", static_cast<int>(i));
    report(Severity::Error, IssueType::Informational, bundle.entries[i].entry,
           "Entry '" + std::string(bundle.entries[i].fullUrl) +
               "' isn't reachable by traversing links (forward or backward) from the Composition");
  }
}

void ValidationRun::checkBundle(const Node& bundle) {
  const BundleIndex& index = *resources_.back().bundle;
  std::string_view type = index.type;
  for (std::size_t i = 0; i < index.entries.size(); ++i) {
    const BundleIndex::Entry& e = index.entries[i];
    auto g = enter("entry", static_cast<int>(i));
    const Node* res = e.resource;
    std::string_view fullUrl = e.fullUrl;
    if (!fullUrl.empty() && !hasUriScheme(fullUrl)) {
      report(Severity::Error, IssueType::Invalid, e.entry,
             "The fullUrl must be an absolute URL (not '" + std::string(fullUrl) + "')");
      continue;
    }
    if (res == nullptr) continue;
    if (type == "searchset") {
      const Node* search = e.entry->child("search");
      bool outcome = search && search->childValue("mode") == "outcome";
      auto r = enter("resource", -1);
      if (outcome && res->resourceType != "OperationOutcome") {
        report(Severity::Error, IssueType::Invalid, res,
               "This is not an OperationOutcome (" + std::string(res->resourceType) + ")");
      } else if (!outcome && res->resourceType != "OperationOutcome" &&
                 res->childValue("id").empty()) {
        report(Severity::Error, IssueType::Invalid, res, "Search results must have ids");
      }
    }
    if (fullUrl.empty()) {
      if (!isTransactionLike(type)) {
        report(Severity::Error, IssueType::Invalid, e.entry,
               "Except for transactions and batches, each entry in a Bundle must have a fullUrl "
               "which is the identity of the resource in the entry");
      }
      continue;
    }
    std::string_view ti = referenceTypeAndId(fullUrl);
    bool restful = isRestfulUrl(fullUrl) && !ti.empty() && defs_.isResourceType(typeOf(ti));
    std::string_view id = res->childValue("id");
    if (restful && id.empty() && !isTransactionLike(type)) {
      report(Severity::Error, IssueType::Invalid, e.entry,
             "The fullUrl '" + std::string(fullUrl) +
                 "' looks like a RESTful server URL, but the resource has no id");
    } else if (restful && !id.empty()) {
      std::string expected = std::string(res->resourceType) + "/" + std::string(id);
      if (ti != expected) {
        report(Severity::Error, IssueType::Invalid, e.entry,
               "The fullUrl '" + std::string(fullUrl) +
                   "' looks like a RESTful server URL, so it must end with the correct type and id (/" +
                   expected + ")");
      }
    }
  }
  // Relations that identify a single page can only occur once.
  std::vector<std::string_view> relations;
  int linkIndex = -1;
  for (const Node* l = bundle.firstChild; l; l = l->next) {
    if (l->name != "link") continue;
    ++linkIndex;
    std::string_view rel = l->childValue("relation");
    if (rel != "self" && rel != "first" && rel != "previous" && rel != "prev" && rel != "next" &&
        rel != "last") {
      continue;
    }
    if (std::find(relations.begin(), relations.end(), rel) != relations.end()) {
      auto g = enter("link", linkIndex);
      report(Severity::Error, IssueType::Invalid, l,
             "The link relationship type '" + std::string(rel) + "' can only occur once");
    }
    relations.push_back(rel);
  }
  if (type == "document") checkDocumentReachability(index);
}

}  // namespace renkei::fhir

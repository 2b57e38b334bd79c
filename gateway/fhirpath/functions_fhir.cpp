// FHIR's additions to FHIRPath: extension(), hasValue(), getValue(), resolve(), memberOf(),
// conformsTo(), htmlChecks().
#include "engine.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhir/narrative.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;
using fhir::Node;

Status extension(Call& c) {
  auto url = c.stringArg(0);
  if (!url.ok()) return url.status();
  if (!url->has_value()) return {};
  for (const Item& i : c.input) {
    Collection extensions;
    c.engine.members(i, "extension", extensions);
    for (const Item& x : extensions.span()) {
      if (x.isNode() && x.node.node->childValue("url") == **url) c.engine.push(c.out, x);
    }
  }
  return {};
}

/// The node the reference resolves to within %resource / %rootResource, or nullptr.
const Node* resolveReference(Engine& e, std::string_view ref) {
  const Node* resource = e.env().resource;
  if (resource == nullptr && e.context().isNode() && e.context().node.node->isResource()) {
    resource = e.context().node.node;
  }
  const Node* root = e.env().rootResource ? e.env().rootResource : resource;
  if (ref.empty() || resource == nullptr) return nullptr;
  if (ref[0] == '#') {
    for (const Node* container : {resource, root}) {
      if (const Node* t = fhir::resolveContained(*container, ref).target) return t;
    }
    return nullptr;
  }
  if (root->resourceType != "Bundle") return nullptr;
  const fhir::BundleIndex& index = e.bundleIndex(*root);
  return fhir::resolveInBundle(index, ref, index.fullUrlOf(resource)).target;
}

Status resolve(Call& c) {
  for (const Item& i : c.input) {
    std::string_view ref;
    if (i.isNode() && !i.node.node->hasValue()) {
      ref = i.node.node->childValue("reference");
    } else if (auto v = c.engine.value(i); v && v->type == ValueType::String) {
      ref = v->str();
    }
    if (const Node* target = resolveReference(c.engine, ref)) {
      c.engine.push(c.out, c.engine.resource(*target));
    }
  }
  return {};
}

Status memberOf(Call& c) {
  auto url = c.stringArg(0);
  if (!url.ok()) return url.status();
  if (!url->has_value() || c.input.empty()) return {};
  if (c.input.size > 1) return c.error("the input must be a single item");
  const fhir::Definitions* defs = c.engine.definitions();
  const fhir::Expansion* expansion =
      defs ? defs->terminology().expand(fhir::canonicalWithoutVersion(**url)) : nullptr;
  // Unknown or not locally expandable value sets leave the answer open.
  if (expansion == nullptr || !expansion->complete) return {};
  const Item& item = c.input[0];
  bool member = false;
  const std::string_view type = c.engine.fhirType(item);
  auto codingIn = [&](const Node& coding) {
    return expansion->contains(coding.childValue("system"), coding.childValue("code"));
  };
  if (item.isNode() && type == "Coding") {
    member = codingIn(*item.node.node);
  } else if (item.isNode() && type == "CodeableConcept") {
    for (const Node* k = item.node.node->firstChild; k && !member; k = k->next) {
      if (k->name == "coding") member = codingIn(*k);
    }
  } else if (auto v = c.engine.value(item); v && v->type == ValueType::String) {
    member = expansion->containsCode(v->str());
  } else {
    return c.error("needs a code, Coding or CodeableConcept");
  }
  c.engine.push(c.out, Item::ofBoolean(member));
  return {};
}

Status conformsTo(Call& c) {
  auto url = c.stringArg(0);
  if (!url.ok()) return url.status();
  if (!url->has_value()) return {};
  const ConformanceCheck* check = c.engine.env().conformsTo;
  if (check == nullptr || !*check) return c.error("no validator is available to check profiles");
  for (const Item& i : c.input) {
    auto r = (*check)(i, **url);
    if (!r.ok()) return c.error(r.status().message());
    c.engine.push(c.out, Item::ofBoolean(*r));
  }
  return {};
}

}  // namespace

Status fhirFunction(Call& c) {
  Engine& e = c.engine;
  switch (c.node.function) {
    case F::Extension: return extension(c);
    case F::HasValue:
      e.push(c.out, Item::ofBoolean(c.input.size == 1 && c.input[0].isNode() &&
                                    e.isPrimitive(c.input[0]) && c.input[0].node.node->hasValue()));
      return {};
    case F::GetValue:
      if (c.input.size == 1 && e.isPrimitive(c.input[0])) {
        if (auto v = e.value(c.input[0])) e.push(c.out, *v);
      }
      return {};
    case F::Resolve: return resolve(c);
    case F::MemberOf: return memberOf(c);
    case F::ConformsTo: return conformsTo(c);
    case F::HtmlChecks: {
      if (c.input.empty()) return {};
      if (c.input.size > 1) return c.error("the input must be a single item");
      auto v = e.value(c.input[0]);
      if (!v || v->type != ValueType::String) return c.error("needs narrative XHTML");
      e.push(c.out, Item::ofBoolean(fhir::checkNarrative(v->str()).acceptable()));
      return {};
    }
    default:
      return c.error("not a FHIR function");
  }
}

}  // namespace renkei::fhirpath

// CodeSystem concepts (with hierarchy) and ValueSet compose/expansion into compact forms.
#include "terminology_compiler.h"

#include "../node_util.h"

namespace renkei::fhir {
namespace {

uint32_t addConcept(CodeSystemDef& cs, const Node& c) {
  uint32_t index = static_cast<uint32_t>(cs.codes.size());
  std::string code = childString(c, "code");
  cs.codes.push_back(code);
  cs.concepts.push_back({childString(c, "display"), {}});
  cs.index.emplace(std::move(code), index);
  forEachNamed(c, "concept", [&](const Node& child) {
    uint32_t ci = addConcept(cs, child);
    cs.concepts[index].children.push_back(ci);
  });
  return index;
}

ValueSetDef::Include compileInclude(const Node& n) {
  ValueSetDef::Include inc;
  inc.system = childString(n, "system");
  forEachNamed(n, "concept", [&](const Node& c) { inc.concepts.push_back(childString(c, "code")); });
  forEachNamed(n, "filter", [&](const Node& f) {
    inc.filters.push_back(
        {childString(f, "property"), childString(f, "op"), childString(f, "value")});
  });
  forEachNamed(n, "valueSet", [&](const Node& v) {
    inc.valueSets.emplace_back(canonicalWithoutVersion(v.value));
  });
  return inc;
}

void collectContains(const Node& n, ValueSetDef& vs) {
  forEachNamed(n, "contains", [&](const Node& c) {
    if (c.child("code")) vs.shippedExpansion.emplace_back(childString(c, "system"), childString(c, "code"));
    collectContains(c, vs);
  });
}

}  // namespace

std::unique_ptr<CodeSystemDef> compileCodeSystem(const Node& r) {
  auto cs = std::make_unique<CodeSystemDef>();
  cs->url = childString(r, "url");
  cs->version = childString(r, "version");
  cs->name = childString(r, "name");
  cs->content = childString(r, "content");
  cs->caseSensitive = childBool(r, "caseSensitive", true);
  forEachNamed(r, "concept", [&](const Node& c) { addConcept(*cs, c); });
  return cs;
}

std::unique_ptr<ValueSetDef> compileValueSet(const Node& r) {
  auto vs = std::make_unique<ValueSetDef>();
  vs->url = childString(r, "url");
  vs->version = childString(r, "version");
  vs->name = childString(r, "name");
  if (const Node* compose = r.child("compose")) {
    forEachNamed(*compose, "include", [&](const Node& i) { vs->includes.push_back(compileInclude(i)); });
    forEachNamed(*compose, "exclude", [&](const Node& i) { vs->excludes.push_back(compileInclude(i)); });
  }
  if (const Node* expansion = r.child("expansion")) collectContains(*expansion, *vs);
  return vs;
}

}  // namespace renkei::fhir

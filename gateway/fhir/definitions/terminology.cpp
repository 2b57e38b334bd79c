// Local code systems and value-set expansion (include/exclude, concept lists, is-a filters).
#include "renkei/fhir/terminology.h"

namespace renkei::fhir {
namespace {

constexpr int kMaxValueSetNesting = 16;

std::string key(std::string_view system, std::string_view code) {
  std::string k;
  k.reserve(system.size() + code.size() + 1);
  k.append(system);
  k.push_back('|');
  k.append(code);
  return k;
}

void addCode(Expansion& out, std::string_view system, std::string_view code) {
  out.keys.insert(key(system, code));
  out.bareCodes.emplace(code);
  out.systems.emplace(system);
}

void markIncomplete(Expansion& out, std::string reason) {
  if (out.complete) out.incompleteReason = std::move(reason);
  out.complete = false;
}

}  // namespace

std::string_view canonicalWithoutVersion(std::string_view canonical) {
  std::size_t bar = canonical.find('|');
  return bar == std::string_view::npos ? canonical : canonical.substr(0, bar);
}

const CodeSystemDef::Concept* CodeSystemDef::find(std::string_view code) const {
  auto it = index.find(code);
  return it == index.end() ? nullptr : &concepts[it->second];
}

void CodeSystemDef::descendants(uint32_t i, bool includeSelf, std::vector<uint32_t>& out) const {
  if (includeSelf) out.push_back(i);
  for (uint32_t c : concepts[i].children) descendants(c, true, out);
}

bool Expansion::contains(std::string_view system, std::string_view code) const {
  thread_local std::string k;
  k.assign(system);
  k.push_back('|');
  k.append(code);
  return keys.find(std::string_view(k)) != keys.end();
}

// Large terminologies maintained outside FHIR. A package may ship a handful of their codes as a
// "complete" CodeSystem under the real URL; that must not make every other code unknown.
bool isExternalTerminology(std::string_view url) {
  static constexpr std::string_view kExternal[] = {
      "http://loinc.org", "http://snomed.info/sct", "http://unitsofmeasure.org",
      "http://www.nlm.nih.gov/research/umls/rxnorm", "http://hl7.org/fhir/sid/icd-10",
      "http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-9-cm",
      "http://hl7.org/fhir/sid/cvx", "http://hl7.org/fhir/sid/ndc", "urn:ietf:bcp:47",
      "urn:ietf:bcp:13", "urn:iso:std:iso:3166", "urn:iso:std:iso:4217", "http://dicom.nema.org/resources/ontology/DCM"};
  for (std::string_view e : kExternal) {
    if (url == e) return true;
  }
  return false;
}

void Terminology::addCodeSystem(std::unique_ptr<CodeSystemDef> cs) {
  if (isExternalTerminology(cs->url)) cs->content = "fragment";
  std::string url = cs->url;
  codeSystems_[url] = std::move(cs);
}

void Terminology::addValueSet(std::unique_ptr<ValueSetDef> vs) {
  std::string url = vs->url;
  valueSets_[url] = std::move(vs);
}

const CodeSystemDef* Terminology::codeSystem(std::string_view url) const {
  auto it = codeSystems_.find(canonicalWithoutVersion(url));
  return it == codeSystems_.end() ? nullptr : it->second.get();
}

const ValueSetDef* Terminology::valueSet(std::string_view url) const {
  auto it = valueSets_.find(canonicalWithoutVersion(url));
  return it == valueSets_.end() ? nullptr : it->second.get();
}

const Expansion* Terminology::expand(std::string_view url) const {
  const ValueSetDef* vs = valueSet(url);
  return vs ? &expand(*vs) : nullptr;
}

const Expansion& Terminology::expand(const ValueSetDef& vs) const {
  std::call_once(vs.expandOnce, [&] {
    auto e = std::make_unique<Expansion>();
    computeExpansion(vs, *e, 0);
    vs.expansion = std::move(e);
  });
  return *vs.expansion;
}

void Terminology::computeExpansion(const ValueSetDef& vs, Expansion& out, int depth) const {
  if (depth > kMaxValueSetNesting) {
    markIncomplete(out, "value sets nested too deeply at " + vs.url);
    return;
  }
  if (vs.includes.empty() && !vs.shippedExpansion.empty()) {
    for (const auto& [system, code] : vs.shippedExpansion) addCode(out, system, code);
    return;
  }
  if (vs.includes.empty()) {
    markIncomplete(out, "value set " + vs.url + " has no content available locally");
    return;
  }
  for (const auto& inc : vs.includes) applyInclude(inc, out, false, depth);
  if (vs.excludes.empty()) return;
  Expansion excluded;
  for (const auto& exc : vs.excludes) applyInclude(exc, excluded, true, depth);
  for (const std::string& k : excluded.keys) {
    if (auto it = out.keys.find(k); it != out.keys.end()) out.keys.erase(it);
  }
  out.bareCodes.clear();
  for (const std::string& k : out.keys) out.bareCodes.insert(k.substr(k.find('|') + 1));
}

void Terminology::applyInclude(const ValueSetDef::Include& inc, Expansion& out, bool exclude,
                               int depth) const {
  for (const std::string& vsUrl : inc.valueSets) {
    const ValueSetDef* nested = valueSet(vsUrl);
    if (nested == nullptr) {
      markIncomplete(out, "value set " + vsUrl + " is not available locally");
      continue;
    }
    computeExpansion(*nested, out, depth + 1);
  }
  if (inc.system.empty()) return;
  out.systems.insert(inc.system);
  if (!inc.concepts.empty()) {
    for (const std::string& code : inc.concepts) addCode(out, inc.system, code);
    return;
  }
  const CodeSystemDef* cs = codeSystem(inc.system);
  if (cs == nullptr || cs->codes.empty() || (!cs->isComplete() && !exclude)) {
    markIncomplete(out, "code system " + inc.system + " is not available locally");
    return;
  }
  if (inc.filters.empty()) {
    for (const std::string& code : cs->codes) addCode(out, inc.system, code);
    return;
  }
  // Each filter narrows the set; start with every concept.
  std::vector<char> selected(cs->codes.size(), 1);
  for (const auto& f : inc.filters) {
    std::vector<char> match(cs->codes.size(), 0);
    if (f.property == "concept" &&
        (f.op == "is-a" || f.op == "descendent-of" || f.op == "is-not-a")) {
      auto it = cs->index.find(f.value);
      if (it != cs->index.end()) {
        std::vector<uint32_t> found;
        cs->descendants(it->second, f.op != "descendent-of", found);
        for (uint32_t i : found) match[i] = 1;
      }
      if (f.op == "is-not-a") {
        for (char& m : match) m = !m;
      }
    } else if (f.property == "concept" && f.op == "in") {
      std::string_view rest = f.value;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string code(rest.substr(0, comma));
        auto it = cs->index.find(code);
        if (it != cs->index.end()) match[it->second] = 1;
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    } else {
      markIncomplete(out, "filter " + f.property + " " + f.op + " on " + inc.system +
                              " cannot be evaluated locally");
      return;
    }
    for (std::size_t i = 0; i < selected.size(); ++i) selected[i] = selected[i] && match[i];
  }
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (selected[i]) addCode(out, inc.system, cs->codes[i]);
  }
}

}  // namespace renkei::fhir

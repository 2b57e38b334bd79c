// Terminology: required and extensible bindings against locally expanded value sets, and codes
// of locally known code systems. What cannot be checked locally is reported as information.
#include <span>

#include "renkei/fhir/terminology.h"
#include "validation_run.h"

namespace renkei::fhir {
namespace {

struct CodeRef {
  std::string_view system;
  std::string_view code;
  const Node* at;
};

std::string vsLabel(const ValueSetDef& vs) {
  return "'" + (vs.name.empty() ? vs.url : vs.name) + "' (" + vs.url + ")";
}

bool isQuantityType(std::string_view t) {
  return t == "Quantity" || t == "Age" || t == "Duration" || t == "Distance" || t == "Count" ||
         t == "MoneyQuantity" || t == "SimpleQuantity";
}

}  // namespace

void ValidationRun::checkBinding(const Node& node, const ElementDef& def, std::string_view typeCode) {
  if (def.bindingStrength != BindingStrength::Required &&
      def.bindingStrength != BindingStrength::Extensible) {
    return;
  }
  if (def.valueSet.empty()) return;
  const bool required = def.bindingStrength == BindingStrength::Required;

  // At most a handful of codings; a fixed buffer keeps this allocation-free.
  constexpr std::size_t kMaxCodes = 16;
  CodeRef codeBuffer[kMaxCodes];
  std::size_t codeCount = 0;
  auto add = [&](CodeRef c) {
    if (codeCount < kMaxCodes) codeBuffer[codeCount++] = c;
  };
  bool codeOnly = false;
  if (typeCode == "code" || typeCode == "string" || typeCode == "uri") {
    if (!node.hasValue()) return;
    add({{}, node.value, &node});
    codeOnly = true;
  } else if (typeCode == "Coding" || isQuantityType(typeCode)) {
    std::string_view code = node.childValue("code");
    if (code.empty()) return;
    add({node.childValue("system"), code, &node});
  } else if (typeCode == "CodeableConcept") {
    for (const Node* c = node.firstChild; c; c = c->next) {
      if (c->name == "coding" && !c->childValue("code").empty()) {
        add({c->childValue("system"), c->childValue("code"), c});
      }
    }
    if (codeCount == 0) {
      if (required) {
        report(Severity::Error, IssueType::CodeInvalid, &node,
               "No code provided, and a code is required from the value set " + def.valueSet);
      }
      return;
    }
  } else {
    return;
  }

  const ValueSetDef* vs = def.boundValueSet;
  if (vs == nullptr) {
    if (required) {
      report(Severity::Information, IssueType::NotFound, &node,
             "Binding not checked: the value set " + def.valueSet + " is not available locally");
    }
    return;
  }
  const Expansion& e = defs_.terminology().expand(*vs);
  bool anyMatch = false;
  bool undecided = false;
  const std::span<const CodeRef> codes(codeBuffer, codeCount);
  for (const CodeRef& c : codes) {
    bool found = codeOnly || c.system.empty() ? e.containsCode(c.code) : e.contains(c.system, c.code);
    if (found) {
      anyMatch = true;
      break;
    }
    // When the expansion is partial, a code from a system it could not enumerate is undecided.
    if (!e.complete) undecided = true;
  }
  if (anyMatch) return;
  if (undecided) {
    report(Severity::Information, IssueType::NotSupported, &node,
           "Binding to " + vsLabel(*vs) + " not checked: " + e.incompleteReason);
    return;
  }
  Severity severity = required ? Severity::Error : Severity::Warning;
  if (codeOnly) {
    report(severity, IssueType::CodeInvalid, &node,
           "The value provided ('" + std::string(codes.front().code) +
               "') was not found in the value set " + vsLabel(*vs) +
               (required ? ", and a code is required from this value set" : ""));
  } else if (codes.size() == 1) {
    report(severity, IssueType::CodeInvalid, &node,
           "The code '" + std::string(codes.front().system) + "#" +
               std::string(codes.front().code) + "' was not found in the value set " +
               vsLabel(*vs) + (required ? ", and a code is required from this value set" : ""));
  } else {
    report(severity, IssueType::CodeInvalid, &node,
           "None of the codings provided are in the value set " + vsLabel(*vs) +
               (required ? ", and a coding from this value set is required" : ""));
  }
}

const ValidationRun::KnownSystem& ValidationRun::knownSystem(std::string_view system) {
  for (const KnownSystem& k : knownSystems_) {
    if (!k.system.empty() && k.system == system) return k;
  }
  const Terminology& t = defs_.terminology();
  KnownSystem& slot = knownSystems_[nextKnownSystem_++ % knownSystems_.size()];
  slot.system = system;  // a view into the document, which outlives the run
  slot.codeSystem = t.codeSystem(system);
  slot.isValueSet = slot.codeSystem == nullptr && t.valueSet(system) != nullptr;
  return slot;
}

void ValidationRun::checkCodingAgainstCodeSystem(const Node& coding) {
  std::string_view system = coding.childValue("system");
  std::string_view code = coding.childValue("code");
  if (system.empty()) return;
  const KnownSystem& known = knownSystem(system);
  const CodeSystemDef* cs = known.codeSystem;
  if (cs == nullptr) {
    if (known.isValueSet) {
      auto g = enter("system", -1);
      report(Severity::Error, IssueType::Invalid, &coding,
             "The Coding references a value set, not a code system ('" + std::string(system) + "')");
    }
    return;
  }
  if (code.empty() || !cs->isComplete() || cs->codes.empty()) return;
  const CodeSystemDef::Concept* entry = cs->find(code);
  if (entry == nullptr && !cs->caseSensitive) {
    for (std::size_t i = 0; i < cs->codes.size() && entry == nullptr; ++i) {
      const std::string& c = cs->codes[i];
      if (c.size() == code.size() &&
          std::equal(c.begin(), c.end(), code.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        entry = &cs->concepts[i];
      }
    }
  }
  if (entry == nullptr) {
    auto g = enter("code", -1);
    report(Severity::Error, IssueType::CodeInvalid, &coding,
           "Unknown code '" + std::string(code) + "' in the CodeSystem '" + cs->url + "'");
    return;
  }
  std::string_view display = coding.childValue("display");
  if (!display.empty() && !entry->display.empty() && display != entry->display) {
    auto g = enter("display", -1);
    report(Severity::Warning, IssueType::Invalid, &coding,
           "Wrong Display Name '" + std::string(display) + "' for " + std::string(system) + "#" +
               std::string(code) + ". Valid display is '" + entry->display + "'");
  }
}

}  // namespace renkei::fhir

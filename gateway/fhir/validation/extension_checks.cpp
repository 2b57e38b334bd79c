// Extensions: the url identifies a definition, which must exist, be used in the right slot
// (extension vs modifierExtension) and context, and whose structure the extension must follow.
#include <algorithm>

#include "primitive_rules.h"
#include "validation_run.h"

namespace renkei::fhir {
namespace {

// http://hl7.org/fhir/[version]/StructureDefinition/extension-[path]: an element of another FHIR
// version carried as an extension. Their definitions are generated from that version's
// specification, which is not loaded here.
bool isCrossVersionExtension(std::string_view url) {
  constexpr std::string_view kPrefix = "http://hl7.org/fhir/";
  if (url.rfind(kPrefix, 0) != 0) return false;
  std::string_view rest = url.substr(kPrefix.size());
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  std::string_view version = rest.substr(0, slash);
  if (version.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  return rest.substr(slash).rfind("/StructureDefinition/extension-", 0) == 0;
}

bool isExampleUrl(std::string_view url) {
  return url.find("://example.org/") != std::string_view::npos ||
         url.find("://example.com/") != std::string_view::npos ||
         url.find("://acme.com/") != std::string_view::npos ||
         url.find("://acme.org/") != std::string_view::npos;
}

}  // namespace

std::string ValidationRun::elementPath() const {
  std::string out;
  elementPathInto(out);
  return out;
}

void ValidationRun::elementPathInto(std::string& out) const {
  out.clear();
  if (resources_.empty()) return;
  const ResourceFrame& f = resources_.back();
  out.assign(f.resource->resourceType);
  for (std::size_t i = f.pathStart; i < path_.size(); ++i) {
    out += '.';
    out += path_[i].name;
  }
}

// "HumanName.family" names element family of any HumanName: the host path must end with the
// path after the type, and the element at that depth must have (or specialize) that type.
bool ValidationRun::typedPathMatches(std::string_view expr, std::string_view host) const {
  std::size_t dot = expr.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view type = expr.substr(0, dot);
  std::string_view tail = expr.substr(dot);  // ".family"
  if (host.size() <= tail.size() || host.substr(host.size() - tail.size()) != tail) return false;
  std::size_t depth = static_cast<std::size_t>(std::count(tail.begin(), tail.end(), '.'));
  if (hostTypes_.size() < depth + 1) return false;
  std::string_view t = hostTypes_[hostTypes_.size() - 1 - depth];
  return t == type || defs_.specializes(t, type);
}

bool ValidationRun::extensionAllowedHere(const StructureDef& ext) const {
  if (ext.contexts.empty()) return true;
  thread_local std::string here;  // reused: this runs for every extension
  elementPathInto(here);
  // Drop the trailing ".extension"/".modifierExtension": the context is the element holding it.
  std::size_t dot = here.rfind('.');
  std::string_view host = dot == std::string::npos ? std::string_view(here)
                                                   : std::string_view(here).substr(0, dot);
  std::string_view hostType = hostTypes_.empty() ? std::string_view() : hostTypes_.back();
  for (const ExtensionContext& c : ext.contexts) {
    if (c.type == "fhirpath") return true;
    if (c.type == "extension") {
      for (std::string_view url : extensionUrls_) {
        if (url == c.expression) return true;
      }
      continue;
    }
    const std::string& e = c.expression;
    if (e == "Element" || e == host || e == hostType) return true;
    if (typedPathMatches(e, host)) return true;
    if ((e == "Resource" || e == "DomainResource") && host.find('.') == std::string_view::npos) return true;
    if (!hostType.empty() && defs_.specializes(hostType, e)) return true;
    if (host.find('.') == std::string_view::npos && defs_.specializes(host, e)) return true;
  }
  return false;
}

bool ValidationRun::checkExtension(const Node& node, const ElementDef& def, const StructureDef& sd,
                                   Pass pass) {
  if (pass == Pass::Profile) {
    // The extension's own definition was applied in the base walk; only what the profile adds
    // to this slot remains.
    checkFixedAndPattern(node, def);
    return true;
  }
  std::string_view url = node.childValue("url");
  if (url.empty()) {
    report(Severity::Error, IssueType::Invalid, &node,
           "Extension.url is required in order to identify, use and validate the extension");
    return false;
  }
  if (!hasUriScheme(url)) {
    // A relative url names a sub-extension of a complex extension: a slice must define it.
    if (!def.sliceName.empty()) return false;
    if (sd.type == "Extension" && sd.isConstraint) {
      report(Severity::Error, IssueType::Invalid, &node,
             "Sub-extension url '" + std::string(url) + "' is not defined by the Extension " + sd.url);
    } else if (!hostTypes_.empty() && hostTypes_.back() == "Extension") {
      // Inside an extension whose definition is unavailable: its sub-extensions cannot be checked.
    } else {
      report(Severity::Error, IssueType::Invalid, &node, "Extension.url must be an absolute URL");
    }
    return false;
  }
  const StructureDef* ext = defs_.structure(url);
  if (ext == nullptr && isCrossVersionExtension(url)) {
    report(Severity::Warning, IssueType::NotSupported, &node,
           "The cross-version extension " + std::string(url) +
               " is recognised but not checked: definitions of other FHIR versions are not loaded");
    return false;
  }
  if (ext == nullptr) {
    Severity sev = options_.allowUnknownExtensions ? Severity::Warning : Severity::Error;
    report(sev, IssueType::Structure, &node,
           "The extension " + std::string(url) + " could not be found so is not allowed here");
    if (isExampleUrl(url)) {
      auto g = enter("url", -1);
      report(Severity::Error, IssueType::Invalid, &node,
             "Example URLs are not allowed in this context (" + std::string(url) + ")");
    }
    return false;
  }
  if (ext->type != "Extension") {
    report(Severity::Error, IssueType::Structure, &node,
           "The url " + std::string(url) + " identifies a " + ext->type + ", not an extension");
    return false;
  }
  const bool modifierSlot = node.name == "modifierExtension";
  const bool modifierExtension = ext->root().isModifier;
  if (modifierExtension && !modifierSlot) {
    report(Severity::Error, IssueType::Structure, &node,
           "The Extension '" + std::string(url) +
               "' must not be used as an extension (it's a modifierExtension)");
  } else if (!modifierExtension && modifierSlot) {
    report(Severity::Error, IssueType::Structure, &node,
           "The Extension '" + std::string(url) +
               "' must be used as an extension, not as a modifierExtension");
  }
  if (!extensionAllowedHere(*ext)) {
    report(Severity::Error, IssueType::Structure, &node,
           "The extension " + std::string(url) + " is not allowed to be used at this point (" +
               elementPath() + ")");
  }
  bool hasValue = false, hasExtensions = false;
  for (const Node* c = node.firstChild; c; c = c->next) {
    if (c->name == "extension") hasExtensions = true;
    if (c->name.size() > 5 && c->name.compare(0, 5, "value") == 0) hasValue = true;
  }
  if (hasValue && hasExtensions) {
    report(Severity::Error, IssueType::Invariant, &node,
           "Constraint failed: ext-1: 'Must have either extensions or value[x], not both'", "ext-1");
  }
  walkedTwice_ = true;  // the slot's definition and the extension's own may both report
  extensionUrls_.push_back(url);
  hostTypes_.push_back("Extension");
  checkChildren(node, nav_.rootScope(*ext), Pass::Base);
  hostTypes_.pop_back();
  checkFixedAndPattern(node, def);
  checkInvariants(node, *ext, ext->root(), "Extension", Pass::Base);
  extensionUrls_.pop_back();
  return true;
}

}  // namespace renkei::fhir

// Narrative XHTML: the fast subset scanner first, libxml2 (under the same no-DTD rules as FHIR
// XML) for everything else; then namespace, allowed elements and attributes, hyperlink schemes,
// non-empty content. Also the optional active-content check on strings and markdown.
#include <libxml/parser.h>

#include <cstring>

#include "../xml/libxml2_push_parser.h"
#include "renkei/fhir/narrative.h"
#include "validation_run.h"
#include "xhtml_rules.h"

namespace renkei::fhir {
namespace {

constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";

// libxml2 SAX callbacks feeding the shared narrative rules.
struct XhtmlScan {
  XhtmlFindings findings;
  int depth = 0;
  bool rootSeen = false;
  bool fatal = false;
  std::string firstError;
  xmlParserCtxtPtr ctxt = nullptr;

  static std::string_view sv(const xmlChar* s) {
    return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
  }

  static void start(void* ctx, const xmlChar* local, const xmlChar*, const xmlChar* uri, int,
                    const xmlChar**, int nAttrs, int, const xmlChar** attrs) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    std::string_view name = sv(local);
    if (s->depth == 0) {
      s->rootSeen = true;
      s->findings.rootInXhtmlNamespace = sv(uri) == kXhtmlNs;
    }
    checkXhtmlElement(name, s->depth, s->findings);
    for (int i = 0; i < nAttrs; ++i, attrs += 5) {
      std::string_view value(reinterpret_cast<const char*>(attrs[3]),
                             static_cast<std::size_t>(attrs[4] - attrs[3]));
      checkXhtmlAttribute(name, sv(attrs[1]), sv(attrs[0]), value, s->findings);
    }
    ++s->depth;
  }
  static void end(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    --static_cast<XhtmlScan*>(ctx)->depth;
  }
  static void characters(void* ctx, const xmlChar* ch, int len) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    for (int i = 0; i < len && !s->findings.content; ++i) {
      if (ch[i] != ' ' && ch[i] != '\n' && ch[i] != '\r' && ch[i] != '\t') s->findings.content = true;
    }
  }
  static void refuseDtd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    s->fatal = true;
    s->firstError = "DOCTYPE declarations are not allowed in narrative";
    xmlStopParser(s->ctxt);
  }
  static xmlEntityPtr entity(void* ctx, const xmlChar* name) {
    static_cast<XhtmlScan*>(ctx)->findings.problems.push_back(
        "Invalid entity in the XHTML ('&" + std::string(sv(name)) + ";')");
    return nullptr;
  }
  static void error(void* ctx, xmlErrorPtr err) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    if (err == nullptr || err->level < XML_ERR_ERROR) return;
    if (err->code == XML_ERR_UNDECLARED_ENTITY || err->code == XML_WAR_UNDECLARED_ENTITY) return;
    s->fatal = true;
    if (s->firstError.empty()) {
      s->firstError = err->message ? err->message : "not well-formed";
      while (!s->firstError.empty() && s->firstError.back() == '\n') s->firstError.pop_back();
    }
  }
};

xmlSAXHandler makeHandler() {
  xmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = &XhtmlScan::start;
  sax.endElementNs = &XhtmlScan::end;
  sax.characters = &XhtmlScan::characters;
  sax.internalSubset = &XhtmlScan::refuseDtd;
  sax.getEntity = &XhtmlScan::entity;
  sax.serror = &XhtmlScan::error;
  return sax;
}

}  // namespace

bool checkXhtmlWithLibxml2(std::string_view text, XhtmlFindings& out, std::string* fatalError) {
  static const xmlSAXHandler handler = makeHandler();
  thread_local ReusedPushParser parser(handler, XML_PARSE_NONET);
  XhtmlScan scan;
  scan.ctxt = parser.context();
  bool wellFormed = false;
  if (!parser.parse(text, &scan, &wellFormed)) {
    *fatalError = "the XML parser could not be started";
    return false;
  }
  if (scan.fatal || !scan.rootSeen) {
    *fatalError = scan.firstError.empty() ? std::string("no element") : scan.firstError;
    return false;
  }
  out = std::move(scan.findings);
  return true;
}

NarrativeCheck checkNarrative(std::string_view xhtml) {
  NarrativeCheck check;
  XhtmlFindings findings;
  if (scanXhtmlSubset(xhtml, findings) == FastScan::NeedsFullParse) {
    findings = XhtmlFindings{};
    if (!checkXhtmlWithLibxml2(xhtml, findings, &check.fatalError)) return check;
  }
  check.wellFormed = true;
  check.rootInXhtmlNamespace = findings.rootInXhtmlNamespace;
  check.content = findings.content;
  check.problems = std::move(findings.problems);
  return check;
}

void ValidationRun::checkXhtml(const Node& node) {
  NarrativeCheck check = checkNarrative(node.value);
  if (!check.wellFormed) {
    report(Severity::Error, IssueType::Invalid, &node,
           "The narrative XHTML is not well-formed: " + check.fatalError);
    return;
  }
  if (!check.rootInXhtmlNamespace) {
    report(Severity::Error, IssueType::Invalid, &node,
           "Wrong namespace on the XHTML (should be '" + std::string(kXhtmlNs) + "')");
  }
  for (const std::string& p : check.problems) report(Severity::Error, IssueType::Invalid, &node, p);
  if (!check.content) {
    report(Severity::Error, IssueType::Invariant, &node,
           "Constraint failed: txt-2: 'The narrative SHALL have some non-whitespace content'", "txt-2");
  }
}

void ValidationRun::checkNarrativePresent(const Node& resource, const StructureDef& sd) {
  if (resource.name == "contained") return;
  bool declared = false;
  for (const Constraint& c : sd.root().constraints) declared |= c.key == "dom-6";
  if (!declared) return;
  const Node* text = resource.child("text");
  if (text != nullptr && text->child("div") != nullptr) return;
  report(Severity::Warning, IssueType::Invariant, &resource,
         "Constraint failed: dom-6: 'A resource should have narrative for robust management'",
         "dom-6");
}

void ValidationRun::checkActiveContent(const Node& node, std::string_view typeCode) {
  if (typeCode != "string" && typeCode != "markdown") return;
  std::string_view v = node.value;
  for (std::size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] != '<') continue;
    char c = v[i + 1] == '/' && i + 2 < v.size() ? v[i + 2] : v[i + 1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (v.find('>', i) != std::string_view::npos) {
        report(Severity::Error, IssueType::Invalid, &node,
               "The string value contains text that looks like embedded HTML tags, which are not "
               "allowed for security reasons in this context");
        return;
      }
    }
  }
}

}  // namespace renkei::fhir

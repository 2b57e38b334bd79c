// Narrative XHTML (parsed with libxml2 under the same no-DTD rules as FHIR XML): namespace,
// allowed elements and attributes, hyperlink schemes, non-empty content; and the optional
// active-content check on strings and markdown.
#include <libxml/parser.h>

#include <cstring>
#include <set>

#include "validation_run.h"

namespace renkei::fhir {
namespace {

constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";

const std::set<std::string_view>& allowedElements() {
  static const std::set<std::string_view> s = {
      "a",     "abbr", "acronym", "address", "b",     "bdo",  "big",   "blockquote", "br",
      "caption", "cite", "code",  "col",     "colgroup", "dd", "dfn",  "div",   "dl",
      "dt",    "em",   "h1",    "h2",      "h3",    "h4",   "h5",    "h6",    "hr",
      "i",     "img",  "kbd",   "li",      "map",   "area", "ol",    "p",     "pre",
      "q",     "samp", "small", "span",    "strong", "sub", "sup",   "table", "tbody",
      "td",    "tfoot", "th",   "thead",   "tr",    "tt",   "ul",    "var",   "s",
      "u",     "ins",  "del",   "strike",  "center", "font", "label", "nobr", "wbr"};
  return s;
}

const std::set<std::string_view>& allowedAttributes() {
  static const std::set<std::string_view> s = {
      "title", "style", "class", "id", "lang", "dir", "accesskey", "tabindex", "span", "width",
      "height", "align", "valign", "char", "charoff", "abbr", "axis", "headers", "scope",
      "rowspan", "colspan", "border", "cellpadding", "cellspacing", "frame", "rules", "summary",
      "start", "type", "value", "src", "alt", "usemap", "shape", "coords", "href", "name", "cite",
      "datetime", "hreflang", "rel", "rev", "charset", "nowrap", "bgcolor", "color", "size",
      "face", "clear", "compact", "noshade", "hspace", "vspace", "target", "reversed", "role"};
  return s;
}

bool hyperlinkSchemeAllowed(std::string_view href, std::string* scheme) {
  std::size_t colon = href.find(':');
  if (colon == std::string_view::npos) return true;  // relative or fragment
  for (std::size_t i = 0; i < colon; ++i) {
    char c = href[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
      return true;  // ':' belongs to a path, not a scheme
    }
  }
  *scheme = std::string(href.substr(0, colon));
  static const std::set<std::string_view> ok = {"http", "https", "ftp", "ftps", "mailto", "tel", "data", "sms"};
  return ok.count(*scheme) != 0;
}

struct XhtmlScan {
  std::vector<std::string> problems;
  int depth = 0;
  bool rootSeen = false;
  bool content = false;
  bool fatal = false;
  std::string firstError;
  xmlParserCtxtPtr ctxt = nullptr;

  static void start(void* ctx, const xmlChar* local, const xmlChar*, const xmlChar* uri, int, const xmlChar**,
                    int nAttrs, int, const xmlChar** attrs) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    std::string_view name(reinterpret_cast<const char*>(local));
    std::string_view ns = uri ? std::string_view(reinterpret_cast<const char*>(uri)) : std::string_view();
    if (s->depth == 0) {
      s->rootSeen = true;
      if (name != "div") s->problems.push_back("The narrative root element must be a div, not '" + std::string(name) + "'");
      if (ns != kXhtmlNs) {
        s->problems.push_back("Wrong namespace on the XHTML ('" + std::string(ns) + "', should be '" +
                              std::string(kXhtmlNs) + "')");
      }
    } else if (allowedElements().count(name) == 0) {
      s->problems.push_back("Invalid element name in the XHTML ('" + std::string(name) + "')");
    }
    if (name == "img") s->content = true;
    for (int i = 0; i < nAttrs; ++i, attrs += 5) {
      std::string_view an(reinterpret_cast<const char*>(attrs[0]));
      std::string_view prefix = attrs[1] ? std::string_view(reinterpret_cast<const char*>(attrs[1])) : std::string_view();
      std::string_view value(reinterpret_cast<const char*>(attrs[3]), static_cast<std::size_t>(attrs[4] - attrs[3]));
      if (prefix == "xml" && (an == "lang" || an == "space")) continue;
      if (allowedAttributes().count(an) == 0 || !prefix.empty()) {
        s->problems.push_back("Invalid attribute name in the XHTML ('" + std::string(an) + "' on '" +
                              std::string(name) + "')");
      }
      std::string scheme;
      if (name == "a" && an == "href" && !hyperlinkSchemeAllowed(value, &scheme)) {
        s->problems.push_back("Hyperlink scheme '" + scheme + "' in '" + std::string(value) +
                              "' is not a valid hyperlinkable scheme");
      }
    }
    ++s->depth;
  }
  static void end(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) { --static_cast<XhtmlScan*>(ctx)->depth; }
  static void characters(void* ctx, const xmlChar* ch, int len) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    for (int i = 0; i < len && !s->content; ++i) {
      if (ch[i] != ' ' && ch[i] != '\n' && ch[i] != '\r' && ch[i] != '\t') s->content = true;
    }
  }
  static void refuseDtd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    s->fatal = true;
    s->firstError = "DOCTYPE declarations are not allowed in narrative";
    xmlStopParser(s->ctxt);
  }
  static xmlEntityPtr entity(void* ctx, const xmlChar* name) {
    auto* s = static_cast<XhtmlScan*>(ctx);
    s->problems.push_back("Invalid entity in the XHTML ('&" +
                          std::string(reinterpret_cast<const char*>(name)) + ";')");
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

}  // namespace

void ValidationRun::checkXhtml(const Node& node) {
  XhtmlScan scan;
  xmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = &XhtmlScan::start;
  sax.endElementNs = &XhtmlScan::end;
  sax.characters = &XhtmlScan::characters;
  sax.internalSubset = &XhtmlScan::refuseDtd;
  sax.getEntity = &XhtmlScan::entity;
  sax.serror = &XhtmlScan::error;
  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, &scan, nullptr, 0, nullptr);
  if (ctxt == nullptr) return;
  scan.ctxt = ctxt;
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
  xmlParseChunk(ctxt, node.value.data(), static_cast<int>(node.value.size()), 1);
  xmlFreeParserCtxt(ctxt);
  if (scan.fatal || !scan.rootSeen) {
    report(Severity::Error, IssueType::Invalid, &node,
           "The narrative XHTML is not well-formed: " +
               (scan.firstError.empty() ? std::string("no element") : scan.firstError));
    return;
  }
  for (const std::string& p : scan.problems) report(Severity::Error, IssueType::Invalid, &node, p);
  if (!scan.content) {
    report(Severity::Error, IssueType::Invariant, &node,
           "Constraint failed: txt-2: 'The narrative SHALL have some non-whitespace content'", "txt-2");
  }
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

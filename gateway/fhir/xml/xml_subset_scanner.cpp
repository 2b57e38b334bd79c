// The subset scanner: FHIR XML as servers write it, scanned in one pass. Every construct it does
// not fully check (DOCTYPE, CDATA, processing instructions, unknown prefixes, other entities,
// text inside FHIR elements, anything malformed) sends the document to libxml2 instead.
#include <vector>

#include "renkei/core/ascii.h"
#include "renkei/core/utf8.h"
#include "xml_lexer.h"
#include "xml_sources.h"

namespace renkei::fhir {
namespace {

using namespace xmllex;

// <?xml version="1.0" encoding="UTF-8" standalone="..."?>: returns the offset after it, or 0.
std::size_t xmlDeclaration(std::string_view s) {
  if (s.compare(0, 6, "<?xml ") != 0) return 0;
  std::size_t end = s.find("?>");
  if (end == std::string_view::npos) return 0;
  std::string_view body = s.substr(6, end - 6);
  bool version = false;
  std::size_t i = 0;
  while (i < body.size()) {
    while (i < body.size() && isSpace(body[i])) ++i;
    if (i >= body.size()) break;
    std::size_t eq = body.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= body.size()) return 0;
    std::string_view key = body.substr(i, eq - i);
    char q = body[eq + 1];
    if (q != '"' && q != '\'') return 0;
    std::size_t close = body.find(q, eq + 2);
    if (close == std::string_view::npos) return 0;
    std::string_view value = body.substr(eq + 2, close - eq - 2);
    if (key == "version" && !version && value == "1.0") {
      version = true;
    } else if (key == "encoding" && version && (equalsIgnoringAsciiCase(value, "UTF-8") || equalsIgnoringAsciiCase(value, "UTF8"))) {
    } else if (key == "standalone" && version && (value == "yes" || value == "no")) {
    } else {
      return 0;
    }
    i = close + 1;
    if (i < body.size() && !isSpace(body[i])) return 0;
  }
  return version ? end + 2 : 0;
}

// Whether a raw attribute value differs from its reported value (references, or whitespace
// that attribute-value normalization turns into spaces).
bool needsDecoding(std::string_view raw) {
  for (char c : raw) {
    if (c == '&' || c == '\n' || c == '\r' || c == '\t') return true;
  }
  return false;
}

struct RawAttribute {
  std::string_view qname;
  std::size_t colon;
  std::string_view raw;
};

struct OpenElement {
  std::string_view qname;
  std::string_view defaultNs;
  bool xsiDeclared;
  bool xhtml;
};

}  // namespace

SubsetScan scanXmlSubset(std::string_view s, uint32_t base, XmlTreeBuilder& b) {
  constexpr SubsetScan kFallback = SubsetScan::NeedsLibxml2;
  if (firstInvalidUtf8(s) != std::string_view::npos || hasXmlNonCharacters(s)) return kFallback;
  thread_local std::vector<OpenElement> open;
  thread_local std::vector<RawAttribute> raw;
  thread_local std::vector<std::string> values;        // decoded copies, when needed
  thread_local std::vector<std::string_view> decoded;  // each attribute's reported value
  thread_local std::vector<XmlAttribute> attrs;
  open.clear();
  const std::size_t n = s.size();
  std::size_t i = 0;
  if (s.compare(0, 2, "<?") == 0) {
    i = xmlDeclaration(s);
    if (i == 0) return kFallback;
  }
  bool rootSeen = false, rootDone = false;
  while (i < n) {
    if (s[i] != '<') {
      bool content = false;
      if (!run(s, i, '<', content)) return kFallback;
      // Text anywhere but in the narrative is an error libxml2 reports in its own words.
      if (content && (open.empty() || !open.back().xhtml)) return kFallback;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      i = commentEnd(s, i);
      if (i == std::string_view::npos) return kFallback;
      continue;
    }
    if (i + 1 >= n || s[i + 1] == '!' || s[i + 1] == '?') return kFallback;
    if (s[i + 1] == '/') {
      std::size_t colon;
      std::size_t len = name(s, i + 2, &colon);
      std::size_t j = i + 2 + len;
      while (j < n && isSpace(s[j])) ++j;
      if (len == 0 || j >= n || s[j] != '>' || open.empty() ||
          open.back().qname != s.substr(i + 2, len)) {
        return kFallback;
      }
      open.pop_back();
      i = j + 1;
      b.endElement(base + static_cast<uint32_t>(i));
      if (open.empty()) rootDone = true;
      continue;
    }
    // A start tag.
    if (rootDone) return kFallback;
    std::size_t colon;
    std::size_t len = name(s, i + 1, &colon);
    if (len == 0 || colon != std::string_view::npos) return kFallback;
    std::string_view element = s.substr(i + 1, len);
    std::size_t j = i + 1 + len;
    raw.clear();
    bool selfClosing = false;
    for (;;) {
      std::size_t ws = j;
      while (j < n && isSpace(s[j])) ++j;
      if (j >= n) return kFallback;
      if (s[j] == '>') {
        ++j;
        break;
      }
      if (s[j] == '/') {
        if (j + 1 >= n || s[j + 1] != '>') return kFallback;
        selfClosing = true;
        j += 2;
        break;
      }
      std::size_t acolon;
      std::size_t alen = name(s, j, &acolon);
      if (j == ws || alen == 0) return kFallback;
      std::string_view qname = s.substr(j, alen);
      j += alen;
      while (j < n && isSpace(s[j])) ++j;
      if (j >= n || s[j] != '=') return kFallback;
      ++j;
      while (j < n && isSpace(s[j])) ++j;
      if (j >= n || (s[j] != '"' && s[j] != '\'')) return kFallback;
      char quote = s[j++];
      std::size_t vs = j;
      bool ignored = false;
      if (!run(s, j, quote, ignored) || j >= n) return kFallback;
      for (const RawAttribute& r : raw) {
        if (r.qname == qname) return kFallback;  // duplicate attribute: not well-formed
      }
      raw.push_back({qname, acolon, s.substr(vs, j - vs)});
      ++j;
    }
    // Namespace declarations first (they may follow the attributes that use them).
    OpenElement e{element, open.empty() ? std::string_view() : open.back().defaultNs,
                  !open.empty() && open.back().xsiDeclared, false};
    if (values.size() < raw.size()) values.resize(raw.size());
    if (decoded.size() < raw.size()) decoded.resize(raw.size());
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const RawAttribute& r = raw[k];
      decoded[k] = r.raw;
      if (needsDecoding(r.raw)) {
        attributeValue(r.raw, values[k]);
        decoded[k] = values[k];
      }
      if (r.qname == "xmlns") {
        // Only the namespaces FHIR XML uses; libxml2 judges any other URI. (Kept on the element
        // stack, the value also points into the document, never into a decode buffer.)
        if (r.raw != kFhirNamespace && r.raw != kXhtmlNamespace) return kFallback;
        e.defaultNs = r.raw;
      } else if (r.colon != std::string_view::npos && r.qname.substr(0, r.colon) == "xmlns") {
        if (r.qname.substr(r.colon + 1) != "xsi" || decoded[k] != kXsiNamespace) return kFallback;
        e.xsiDeclared = true;
      }
    }
    attrs.clear();
    for (std::size_t k = 0; k < raw.size(); ++k) {
      const RawAttribute& r = raw[k];
      if (r.qname == "xmlns") continue;
      if (r.colon == std::string_view::npos) {
        attrs.push_back({r.qname, {}, decoded[k]});
        continue;
      }
      std::string_view prefix = r.qname.substr(0, r.colon);
      std::string_view local = r.qname.substr(r.colon + 1);
      if (prefix == "xmlns") continue;
      if (prefix == "xsi" && e.xsiDeclared) {
        attrs.push_back({local, kXsiNamespace, decoded[k]});
      } else if (prefix == "xml") {
        attrs.push_back({local, kXmlNamespace, decoded[k]});
      } else {
        return kFallback;
      }
    }
    // The narrative's namespace must be declared in its own start tag for the source text the
    // builder keeps to stand alone; otherwise let libxml2 decide.
    bool parentXhtml = !open.empty() && open.back().xhtml;
    e.xhtml = parentXhtml || (e.defaultNs == kXhtmlNamespace);
    if (e.xhtml && !parentXhtml) {
      bool declaredHere = false;
      for (const RawAttribute& r : raw) declaredHere |= r.qname == "xmlns";
      if (element != "div" || !declaredHere) return kFallback;
    }
    if (open.size() > 4096) return kFallback;
    rootSeen = true;
    i = j;
    b.startElement(element, e.defaultNs, attrs, base + static_cast<uint32_t>(i));
    if (b.failed()) return SubsetScan::Done;  // the same verdict libxml2's events would produce
    if (selfClosing) {
      b.endElement(base + static_cast<uint32_t>(i));
      if (open.empty()) rootDone = true;
    } else {
      open.push_back(e);
    }
  }
  if (!rootSeen || !open.empty()) return kFallback;
  b.finish(base + static_cast<uint32_t>(n));
  return SubsetScan::Done;
}

}  // namespace renkei::fhir

// Narrative element/attribute rules and the fast scanner for the plain XHTML subset.
#include "xhtml_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../xml/xml_lexer.h"

namespace renkei::fhir {
namespace {

constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";

template <std::size_t N>
bool inSorted(const std::array<std::string_view, N>& sorted, std::string_view s) {
  return std::binary_search(sorted.begin(), sorted.end(), s);
}

// Names of up to 8 bytes packed into an integer, so membership is an integer binary search.
uint64_t pack(std::string_view s) {
  uint64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<unsigned char>(c);
  return v;
}

// Membership of short names: up to 8 bytes packed into an integer and looked up in a small
// open-addressed table (one or two probes); longer names fall back to a binary search.
template <std::size_t N>
class NameSet {
 public:
  explicit NameSet(const std::array<std::string_view, N>& names) : names_(names) {
    slots_.fill(0);
    for (std::string_view n : names) {
      if (n.size() > 8) continue;
      uint64_t key = pack(n);
      std::size_t i = slot(key);
      while (slots_[i] != 0) i = (i + 1) % slots_.size();
      slots_[i] = key;
    }
  }
  bool contains(std::string_view s) const {
    if (s.empty()) return false;
    if (s.size() > 8) return inSorted(names_, s);
    uint64_t key = pack(s);
    for (std::size_t i = slot(key);; i = (i + 1) % slots_.size()) {
      if (slots_[i] == key) return true;
      if (slots_[i] == 0) return false;
    }
  }

 private:
  static std::size_t slot(uint64_t key) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 56);  // 256 slots
  }
  const std::array<std::string_view, N>& names_;
  std::array<uint64_t, 256> slots_;
};

constexpr std::array<std::string_view, 63> kElements = {
    "a",     "abbr",  "acronym", "address", "area",   "b",      "bdo",    "big",   "blockquote",
    "br",    "caption", "center", "cite",   "code",   "col",    "colgroup", "dd",  "del",
    "dfn",   "div",   "dl",      "dt",      "em",     "font",   "h1",     "h2",    "h3",
    "h4",    "h5",    "h6",      "hr",      "i",      "img",    "ins",    "kbd",   "label",
    "li",    "map",   "nobr",    "ol",      "p",      "pre",    "q",      "s",     "samp",
    "small", "span",  "strike",  "strong",  "sub",    "sup",    "table",  "tbody", "td",
    "tfoot", "th",    "thead",   "tr",      "tt",     "u",      "ul",     "var",   "wbr"};

constexpr std::array<std::string_view, 57> kAttributes = {
    "abbr",     "accesskey", "align",   "alt",     "axis",     "bgcolor", "border",  "cellpadding",
    "cellspacing", "char",   "charoff", "charset", "cite",     "class",   "clear",   "color",
    "colspan",  "compact",   "coords",  "datetime", "dir",     "face",    "frame",   "headers",
    "height",   "href",      "hreflang", "hspace", "id",       "lang",    "name",    "noshade",
    "nowrap",   "rel",       "rev",     "reversed", "role",    "rowspan", "rules",   "scope",
    "shape",    "size",      "span",    "src",     "start",    "style",   "summary", "tabindex",
    "target",   "title",     "type",    "usemap",  "valign",   "value",   "vspace",  "width",
    "xmlns"};

bool hyperlinkSchemeAllowed(std::string_view href, std::string* scheme) {
  std::size_t colon = href.find(':');
  if (colon == std::string_view::npos) return true;  // relative or fragment
  for (std::size_t i = 0; i < colon; ++i) {
    char c = href[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return true;  // ':' belongs to a path, not a scheme
  }
  *scheme = std::string(href.substr(0, colon));
  static constexpr std::array<std::string_view, 8> kOk = {"data", "ftp",  "ftps", "http",
                                                          "https", "mailto", "sms", "tel"};
  return inSorted(kOk, *scheme);
}

}  // namespace

void checkXhtmlElement(std::string_view name, int depth, XhtmlFindings& out) {
  if (depth == 0) {
    out.rootIsDiv = name == "div";
    if (!out.rootIsDiv) {
      out.problems.push_back("The narrative root element must be a div, not '" + std::string(name) + "'");
    }
  } else if (static const NameSet elements(kElements); !elements.contains(name)) {
    out.problems.push_back("Invalid element name in the XHTML ('" + std::string(name) + "')");
  }
  if (name == "img") out.content = true;
}

void checkXhtmlAttribute(std::string_view element, std::string_view prefix, std::string_view name,
                         std::string_view value, XhtmlFindings& out) {
  if (prefix == "xml" && (name == "lang" || name == "space")) return;
  static const NameSet attributes(kAttributes);
  if (!prefix.empty() || !attributes.contains(name)) {
    out.problems.push_back("Invalid attribute name in the XHTML ('" + std::string(name) + "' on '" +
                           std::string(element) + "')");
    return;
  }
  std::string scheme;
  if (element == "a" && name == "href" && !hyperlinkSchemeAllowed(value, &scheme)) {
    out.problems.push_back("Hyperlink scheme '" + scheme + "' in '" + std::string(value) +
                           "' is not a valid hyperlinkable scheme");
  }
}

FastScan scanXhtmlSubset(std::string_view s, XhtmlFindings& out) {
  using namespace xmllex;
  if (hasXmlNonCharacters(s)) return FastScan::NeedsFullParse;
  thread_local std::vector<std::string_view> stack;
  thread_local std::vector<std::string_view> attrNames;
  stack.clear();
  bool rootDone = false;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      bool content = false;
      if (!run(s, i, '<', content)) return FastScan::NeedsFullParse;
      if (content && (stack.empty())) return FastScan::NeedsFullParse;  // text outside the root
      out.content |= content;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      i = commentEnd(s, i);
      if (i == std::string_view::npos) return FastScan::NeedsFullParse;
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] == '!' || s[i + 1] == '?') return FastScan::NeedsFullParse;
    if (s[i + 1] == '/') {
      std::size_t start = i + 2, j = start;
      while (j < s.size() && isNameChar(s[j])) ++j;
      std::string_view name = s.substr(start, j - start);
      while (j < s.size() && isSpace(s[j])) ++j;
      if (j >= s.size() || s[j] != '>' || stack.empty() || stack.back() != name) {
        return FastScan::NeedsFullParse;
      }
      stack.pop_back();
      if (stack.empty()) rootDone = true;
      i = j + 1;
      continue;
    }
    // Start tag.
    if (rootDone || !isNameStart(s[i + 1])) return FastScan::NeedsFullParse;
    std::size_t j = i + 1;
    while (j < s.size() && isNameChar(s[j])) ++j;
    std::string_view name = s.substr(i + 1, j - i - 1);
    if (j < s.size() && s[j] == ':') return FastScan::NeedsFullParse;  // prefixed element
    const int depth = static_cast<int>(stack.size());
    checkXhtmlElement(name, depth, out);
    attrNames.clear();
    bool xhtmlDefault = false;
    bool selfClosing = false;
    for (;;) {
      std::size_t ws = j;
      while (j < s.size() && isSpace(s[j])) ++j;
      if (j >= s.size()) return FastScan::NeedsFullParse;
      if (s[j] == '>') {
        ++j;
        break;
      }
      if (s[j] == '/') {
        if (j + 1 >= s.size() || s[j + 1] != '>') return FastScan::NeedsFullParse;
        selfClosing = true;
        j += 2;
        break;
      }
      if (j == ws || !isNameStart(s[j])) return FastScan::NeedsFullParse;
      std::size_t an = j;
      while (j < s.size() && (isNameChar(s[j]) || s[j] == ':')) ++j;
      std::string_view attr = s.substr(an, j - an);
      while (j < s.size() && isSpace(s[j])) ++j;
      if (j >= s.size() || s[j] != '=') return FastScan::NeedsFullParse;
      ++j;
      while (j < s.size() && isSpace(s[j])) ++j;
      if (j >= s.size() || (s[j] != '"' && s[j] != '\'')) return FastScan::NeedsFullParse;
      char quote = s[j++];
      std::size_t vs = j;
      bool ignored = false;
      if (!run(s, j, quote, ignored) || j >= s.size()) return FastScan::NeedsFullParse;
      std::string_view value = s.substr(vs, j - vs);
      ++j;
      if (std::find(attrNames.begin(), attrNames.end(), attr) != attrNames.end()) {
        return FastScan::NeedsFullParse;  // duplicate attribute: not well-formed
      }
      attrNames.push_back(attr);
      std::size_t colon = attr.find(':');
      if (attr == "xmlns") {
        if (value != kXhtmlNs) return FastScan::NeedsFullParse;
        xhtmlDefault = true;
        continue;
      }
      if (colon != std::string_view::npos) {
        std::string_view prefix = attr.substr(0, colon);
        if (prefix != "xml" || attr.find(':', colon + 1) != std::string_view::npos) {
          return FastScan::NeedsFullParse;
        }
        checkXhtmlAttribute(name, prefix, attr.substr(colon + 1), value, out);
        continue;
      }
      // References in href would need decoding before the scheme check.
      if (attr == "href" && value.find('&') != std::string_view::npos &&
          value.find('&') < value.find(':')) {
        return FastScan::NeedsFullParse;
      }
      checkXhtmlAttribute(name, {}, attr, value, out);
    }
    if (depth == 0) {
      if (!xhtmlDefault) return FastScan::NeedsFullParse;  // libxml2 reports the namespace
      out.rootInXhtmlNamespace = true;
    }
    if (stack.size() >= 256) return FastScan::NeedsFullParse;
    if (selfClosing) {
      if (depth == 0) rootDone = true;
    } else {
      stack.push_back(name);
    }
    i = j;
  }
  if (!stack.empty() || !rootDone) return FastScan::NeedsFullParse;
  return FastScan::Done;
}

}  // namespace renkei::fhir

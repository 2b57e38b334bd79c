// FHIR narrative rules (which XHTML elements, attributes and link schemes are allowed), shared by
// the libxml2 scan and the fast subset scanner so both report the same findings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace renkei::fhir {

struct XhtmlFindings {
  std::vector<std::string> problems;  ///< rule violations (each becomes an error)
  bool content = false;               ///< non-whitespace text or an image (txt-2)
  bool rootIsDiv = false;
  bool rootInXhtmlNamespace = false;
};

void checkXhtmlElement(std::string_view name, int depth, XhtmlFindings& out);
/// `prefix` is the attribute's namespace prefix ("xml" for xml:lang), empty when none.
void checkXhtmlAttribute(std::string_view element, std::string_view prefix, std::string_view name,
                         std::string_view value, XhtmlFindings& out);

enum class FastScan {
  Done,           ///< well-formed and fully checked: `out` is the answer
  NeedsFullParse  ///< outside the subset this scanner handles: ask libxml2
};

/// `text` must be valid UTF-8, as every value of a parsed document is.
/// Checks narrative XHTML written in the plain subset almost every narrative uses (elements,
/// attributes, text, comments, the five XML entities and character references, the XHTML
/// default namespace). It never accepts anything that is not well-formed XML; everything else
/// (DOCTYPE, CDATA, processing instructions, prefixes, other entities, malformed input) is
/// handed to libxml2.
FastScan scanXhtmlSubset(std::string_view text, XhtmlFindings& out);

/// The authoritative check with libxml2; false (with the parser's reason) when not well-formed.
bool checkXhtmlWithLibxml2(std::string_view text, XhtmlFindings& out, std::string* fatalError);

}  // namespace renkei::fhir

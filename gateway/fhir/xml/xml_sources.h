// The two producers of XML events for XmlTreeBuilder.
#pragma once

#include <string_view>

#include "xml_tree_builder.h"

namespace renkei::fhir {

/// libxml2 (SAX2, one reused push-parser context per thread), the authority on XML: refuses any
/// DOCTYPE, entity declaration or undefined entity, never touches the network.
/// `body` starts at offset `base` of the document text. False when the parser cannot start.
bool parseWithLibxml2(std::string_view body, uint32_t base, XmlTreeBuilder& builder,
                      bool* wellFormed);

enum class SubsetScan { Done, NeedsLibxml2 };

/// The plain subset that FHIR XML nearly always is: an optional <?xml version="1.0"
/// encoding="UTF-8"?> declaration, elements and attributes (default namespaces, xsi and xml
/// prefixes), whitespace text, comments, the five XML entities and character references, and
/// the XHTML narrative in the same terms. It never accepts input that is not well-formed XML;
/// anything outside the subset returns NeedsLibxml2 (events already sent must be discarded).
SubsetScan scanXmlSubset(std::string_view body, uint32_t base, XmlTreeBuilder& builder);

}  // namespace renkei::fhir

// The FHIR rules for narrative XHTML (well-formed, XHTML namespace, allowed elements and
// attributes, safe link schemes, some content), as one check shared by the validator and
// FHIRPath's htmlChecks().
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace renkei::fhir {

struct NarrativeCheck {
  bool wellFormed = false;
  std::string fatalError;  ///< why it is not well-formed
  bool rootInXhtmlNamespace = false;
  bool content = false;               ///< non-whitespace text or an image (txt-2)
  std::vector<std::string> problems;  ///< disallowed elements, attributes, schemes, entities

  bool acceptable() const { return wellFormed && rootInXhtmlNamespace && problems.empty() && content; }
};

/// `xhtml` must be valid UTF-8 (as every value of a parsed document is).
NarrativeCheck checkNarrative(std::string_view xhtml);

}  // namespace renkei::fhir

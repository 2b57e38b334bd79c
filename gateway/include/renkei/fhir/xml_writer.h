// Node tree → FHIR XML, in definition order (required by the XML schema), with id/url as
// attributes where the definitions say so and the XHTML narrative written as it was received.
#pragma once

#include <string>

#include "renkei/core/status.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/node.h"

namespace renkei::fhir {

struct XmlWriteOptions {
  bool pretty = false;
  bool declaration = true;  ///< emit <?xml version="1.0" encoding="UTF-8"?>
};

Result<std::string> writeXml(const Node& resource, const ElementNavigator& navigator,
                             const XmlWriteOptions& options = {});

}  // namespace renkei::fhir

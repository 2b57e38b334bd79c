// FHIR XML → node tree (libxml2 SAX2). DTDs, entity declarations and external entities are
// refused outright, nothing is fetched from the network, and the XHTML narrative is kept as its
// exact source text.
#pragma once

#include <string>

#include "renkei/fhir/document.h"

namespace renkei::fhir {

ReadResult readXml(std::string text, const ReadOptions& options = {});

}  // namespace renkei::fhir

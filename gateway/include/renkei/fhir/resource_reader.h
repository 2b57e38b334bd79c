// Reads a FHIR resource in either format: chosen by file name, or sniffed from the first
// non-blank character ('{' JSON, '<' XML).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "renkei/fhir/document.h"

namespace renkei::fhir {

/// Format implied by a file name (".json", ".xml"), if any.
std::optional<SourceFormat> formatFromName(std::string_view fileName);
/// Format sniffed from content, if it looks like either.
std::optional<SourceFormat> sniffFormat(std::string_view text);

ReadResult readResource(std::string text, std::optional<SourceFormat> format,
                        const ReadOptions& options = {});

}  // namespace renkei::fhir

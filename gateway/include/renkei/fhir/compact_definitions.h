// The R4 core bundles made small once per build: what the definitions loader never reads —
// narratives, descriptions, contacts, mappings, and each element's short, definition, comment,
// requirements and aliases — is left out and the JSON written without spaces, so every start-up
// parses a quarter of the bytes and builds a quarter of the nodes. Values kept are written
// exactly as they were read (numbers as their text).
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei::fhir {

/// Raised whenever what compaction leaves out changes: caches of compacted packages name it.
inline constexpr int kCompactFormatVersion = 1;

/// The R4 core bundle files the loader reads from its core directory, in load order.
extern const char* const kCoreBundleNames[7];

/// `json` (a resource or a Bundle of them) without the parts the loader does not read.
Result<std::string> compactDefinitionsJson(std::string_view json);

/// Every core bundle of `fromDirectory` compacted into `toDirectory` (created when missing).
Status compactCoreDirectory(const std::string& fromDirectory, const std::string& toDirectory);

}  // namespace renkei::fhir

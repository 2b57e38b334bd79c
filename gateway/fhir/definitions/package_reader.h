// Reads the JSON files of a FHIR package: an npm-format .tgz (gzip + tar) or a folder.
#pragma once

#include <functional>
#include <string>

#include "renkei/core/status.h"

namespace renkei::fhir {

struct PackageLimits {
  std::size_t maxFileBytes = 64u << 20;
  std::size_t maxTotalBytes = 1u << 30;
};

/// Calls `onFile(name, content)` for every *.json file of the package (package.json and
/// .index.json excluded). A folder is read non-recursively, plus its package/ subfolder.
Status readPackageFiles(const std::string& path, const PackageLimits& limits,
                        const std::function<void(const std::string&, std::string)>& onFile);
/// The same for the bytes of a .tgz package already read (`what` names it in errors).
Status readPackageBytes(const std::string& bytes, const std::string& what, const PackageLimits& limits,
                        const std::function<void(const std::string&, std::string)>& onFile);

}  // namespace renkei::fhir

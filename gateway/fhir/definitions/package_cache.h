// Where compacted FHIR packages are kept between runs: a package file (.tgz) is decompressed,
// compacted (compact_definitions.h) and parsed once; later starts read one small Bundle named by
// the package's SHA-256 and the compaction's version, so a changed package or a new rule set is
// never served stale. The folder is RENKEI_CACHE_DIR, else $XDG_CACHE_HOME/renkei, else
// ~/.cache/renkei; without a usable one, packages are simply read every time.
#pragma once

#include <string>

namespace renkei::fhir {

/// The cache file for a package whose bytes have `sha256`, or "" when there is no cache folder.
std::string packageCacheFile(const std::string& sha256);

}  // namespace renkei::fhir

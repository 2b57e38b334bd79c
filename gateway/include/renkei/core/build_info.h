// What this binary is: its version and the commit it was built from (set by CMake, see
// cmake/BuildInfo.cmake). `renkei version`, /healthz and renkei_build_info report them.
#pragma once

#include <string_view>

namespace renkei {

/// The project version, e.g. "0.1.0".
std::string_view buildVersion();
/// The short commit hash of the checkout it was built from, or "unknown".
std::string_view buildCommit();

}  // namespace renkei

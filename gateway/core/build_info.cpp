// The build's version and commit, compiled in from CMake definitions (only this file changes
// when the commit does).
#include "renkei/core/build_info.h"

#ifndef RENKEI_VERSION
#define RENKEI_VERSION "unknown"
#endif
#ifndef RENKEI_COMMIT
#define RENKEI_COMMIT "unknown"
#endif

namespace renkei {

std::string_view buildVersion() { return RENKEI_VERSION; }
std::string_view buildCommit() { return RENKEI_COMMIT; }

}  // namespace renkei

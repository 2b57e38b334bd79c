// Running an outside program (no shell: the arguments go to it as they are) with a deadline: its
// exit code and what it wrote to standard output and error. For hand-offs such as HylaFAX's
// sendfax; the program's output should be small (it is read after it exits).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "renkei/core/status.h"

namespace renkei {

struct CommandResult {
  int exitCode = 0;
  std::string output;  ///< standard output and error, at most 64 KiB
};

/// Runs `command` (a path, or a name looked up in PATH) with `args`; Unavailable when it cannot be
/// started or did not finish within `timeoutMs` (it is killed then).
Result<CommandResult> runCommand(const std::string& command, const std::vector<std::string>& args,
                                 int64_t timeoutMs);

}  // namespace renkei

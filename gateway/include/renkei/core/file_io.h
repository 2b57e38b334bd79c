// Reading whole inputs with a size cap, so that no outside file or stream can exhaust memory.
#pragma once

#include <cstddef>
#include <string>

#include "renkei/core/status.h"

namespace renkei {

inline constexpr std::size_t kDefaultMaxInputBytes = 64u << 20;

/// Reads a file; fails with TooLarge past `maxBytes`, Unavailable when it cannot be read.
Result<std::string> readFileLimited(const std::string& path,
                                    std::size_t maxBytes = kDefaultMaxInputBytes);
/// Reads standard input to its end with the same cap.
Result<std::string> readStdinLimited(std::size_t maxBytes = kDefaultMaxInputBytes);
/// Writes `data` to `path` durably: a hidden temporary beside it, fsync, rename, fsync of the
/// folder. Readers see the old file or the whole new one, never a partial one.
Status writeFileAtomically(const std::string& path, std::string_view data);

/// Creates `dir` if needed and removes the temporaries writeFileAtomically left there when a
/// process died mid-write (for sinks that own an output folder).
Status prepareOutputFolder(const std::string& dir);

}  // namespace renkei

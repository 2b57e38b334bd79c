// Names in the folders sources watch: which ones a source never takes (files still being written
// or its own reason files), and a free name to move a file under without overwriting anything.
#pragma once

#include <filesystem>
#include <string>

#include "renkei/core/status.h"

namespace renkei {

/// True for names a watching source never takes: dot-files, *.tmp, *.part, *.reason.json.
bool ignoredName(const std::string& name);

/// `dir`/`name`, or with "-1", "-2" … before its extension when an entry (a link too, never
/// followed) already has that name.
Result<std::filesystem::path> freePath(const std::filesystem::path& dir, const std::string& name);

}  // namespace renkei

// A folder that a source takes whole files from (faxes, scans): which files are ready (regular,
// one name, no longer being written, within the size limit; anything else refused without being
// followed), and where a taken file goes — done/YYYY-MM-DD/ after its content is committed, or
// failed/ with <name>.reason.json. Nothing is deleted; errors and logs name no patient data.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "renkei/core/status.h"

namespace renkei {

struct InboxOptions {
  std::filesystem::path path;
  int64_t minAgeMs = 2000;               ///< younger files may still be being written
  int64_t maxFileBytes = 50ll << 20;
};

class InboxFolder {
 public:
  /// `source` names the configured source in reason files and logs; `event` prefixes log events.
  InboxFolder(std::string source, std::string event, InboxOptions options)
      : source_(std::move(source)), event_(std::move(event)), options_(std::move(options)) {}

  /// Creates failed/ (Unavailable when it cannot).
  Status prepare() const;
  /// Calls `take(name, path)` for each ready file until `stopping()`; refuses links, special
  /// files and files over the limit to failed/. Stops at the first error `take` returns.
  Status each(const std::function<bool()>& stopping, int64_t nowMs,
              const std::function<Status(const std::string& name, const std::string& path)>& take) const;
  /// To done/YYYY-MM-DD/ (local date of `nowMs`) under a free name.
  Status done(const std::string& name, int64_t nowMs) const;
  /// To failed/ under a free name, the reason beside it; logged as "<event>_failed".
  Status fail(const std::string& name, const std::string& reason) const;

  const std::filesystem::path& path() const { return options_.path; }

 private:
  Status moveTo(const std::string& name, const std::filesystem::path& dir) const;
  std::string source_, event_;
  InboxOptions options_;
};

}  // namespace renkei

// The watched-folder source. A file is taken only when it is complete: size and mtime unchanged
// across two polls, or closed by its writer or renamed in (inotify, which also wakes the poll at
// once), older than min_age_ms, not a dot-file, *.tmp or *.part, and (optionally) with
// its done-file present. It moves to processing/, is committed to the store, and only then moves
// to done/YYYY-MM-DD/ — or to failed/ with <name>.reason.json when it cannot be used. Nothing is
// deleted; files over max_file_bytes are never read into memory. The source never reads outside
// its folder: symbolic links, special files (FIFOs, sockets, devices) and hard links are moved
// (the entry itself, never followed) to failed/ with the reason; folders are not inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

struct FolderSourceOptions {
  std::filesystem::path path;
  std::string sender;
  int64_t pollMs = 1000;
  int64_t minAgeMs = 2000;
  int64_t maxFileBytes = 32 << 20;
  int batch = 200;
  std::string doneFileSuffix;  ///< e.g. ".done": wait for "<name>.done" beside the file
  /// "": the files are FHIR; a mapping id, or "auto" (picked by file name, then header): each
  /// record of a file becomes its own input "<file>#map=<id>@L<line>" over the same bytes.
  std::string mapping;
  /// Mapped files larger than this are read in slices and committed batch by batch (memory stays
  /// flat); smaller ones are read whole (up to maxFileBytes).
  int64_t streamAboveBytes = 4 << 20;
  /// The cap for a streamed file.
  int64_t maxStreamedFileBytes = int64_t{16} << 30;
};

/// Which files of a folder are ready, poll after poll (pure: no moves, testable alone).
class StabilityTracker {
 public:
  struct Seen {
    std::uintmax_t size = 0;
    int64_t mtimeMs = 0;
  };
  /// Files whose writer was seen finishing them (name → when, from FolderEvents).
  void noteFinished(const std::map<std::string, int64_t>& finishedAtMs);
  /// Files that are ready now, given this poll's observations (name → size, mtime): old enough,
  /// and either unchanged since the previous poll or finished by their writer after their last
  /// change.
  std::vector<std::string> ready(const std::map<std::string, Seen>& observed, int64_t nowMs,
                                 int64_t minAgeMs);
  void forget(const std::string& name) {
    last_.erase(name);
    finished_.erase(name);
  }

 private:
  std::map<std::string, Seen> last_;
  std::map<std::string, int64_t> finished_;
};

/// True for names the source never takes: dot-files, *.tmp, *.part, *.reason.json.
bool ignoredName(const std::string& name);

void registerFolderSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

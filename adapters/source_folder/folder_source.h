// The watched-folder source. A file is taken only when it is complete: size and mtime unchanged
// for a poll interval (two polls that far apart), or closed by its writer or renamed in (inotify,
// which also wakes the poll at once) and never while a local writer holds it open after writing;
// older than min_age_ms, not a dot-file, *.tmp or *.part, and (optionally) with
// its done-file present. It moves to processing/, is committed to the store, and only then moves
// to done/YYYY-MM-DD/ — or to failed/ with <name>.reason.json when it cannot be used. Nothing is
// deleted; files over max_file_bytes are never read into memory. The source never reads outside
// its folder: symbolic links, special files (FIFOs, sockets, devices) and hard links are moved
// (the entry itself, never followed) to failed/ with the reason; folders are not inputs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "renkei/core/folder_names.h"
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
  /// What the folder's events said since the last poll (from FolderEvents): files whose writer
  /// finished them (name → when) and the files a writer still holds open after writing.
  void noteEvents(const std::map<std::string, int64_t>& finishedAtMs,
                  std::set<std::string> writing);
  /// Files that are ready now, given this poll's observations (name → size, mtime): older than
  /// minAgeMs, not held open by a writer, and either finished by their writer after their last
  /// change or unchanged for at least stableMs (seen equal by polls that far apart).
  std::vector<std::string> ready(const std::map<std::string, Seen>& observed, int64_t nowMs,
                                 int64_t minAgeMs, int64_t stableMs);
  void forget(const std::string& name) {
    last_.erase(name);
    finished_.erase(name);
  }

 private:
  struct Sighting {
    Seen seen;
    int64_t sinceMs = 0;  // when this size and mtime were first seen
  };
  std::map<std::string, Sighting> last_;
  std::map<std::string, int64_t> finished_;
  std::set<std::string> writing_;
};

/// Names the source never takes (renkei/core/folder_names.h).
using renkei::ignoredName;

void registerFolderSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

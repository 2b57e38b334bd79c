// Mapping a file too large to hold (a 1 GB care-plan export) in slices of whole rows: each slice
// is mapped with the layout's header in front, so memory stays flat whatever the file's size,
// and every record, issue and line number is the one mapping the whole file would give.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/mapping/mapping_engine.h"

namespace renkei::mapping {

/// A record of a streamed file: what mapFile gives (lines are the file's), and its own bytes (the
/// header and its rows, as recordSlices gives them).
struct StreamedRecord {
  MappedRecord record;
  std::string bytes;
};

/// Feed the file's bytes in any pieces; whenever `sliceBytes` of whole rows have gathered they are
/// mapped, and the records they complete come out. A grouped record (records.group_by) must have
/// its rows next to each other: the rows of the group still open at the end of a slice wait for
/// the next one; a record whose rows are apart in a streamed file comes out once per run of rows.
/// Row issues are collected (at most `kMaxIssues`, then only counted).
class StreamedMapping {
 public:
  static constexpr std::size_t kMaxIssues = 100;
  /// The most bytes one grouped record's rows may take (a slice grows to hold them).
  static constexpr std::size_t kMaxGroupBytes = 64u << 20;

  struct Options {
    /// Whole rows gathered before they are mapped: a file up to this size is mapped at once, its
    /// records' rows wherever they are; a larger one must keep each record's rows together.
    std::size_t sliceBytes = 8 << 20;
    CsvLimits limits;
    MapMode mode = MapMode::Bundles;
    bool recordBytes = true;           ///< give each record its own bytes (a source keeps them)
  };

  StreamedMapping(const Mapping& mapping, std::string fileName, Options options);
  StreamedMapping(const Mapping& mapping, std::string fileName) : StreamedMapping(mapping, std::move(fileName), Options{}) {}
  ~StreamedMapping();
  StreamedMapping(const StreamedMapping&) = delete;
  StreamedMapping& operator=(const StreamedMapping&) = delete;

  Status feed(std::string_view bytes, std::vector<StreamedRecord>& out);
  /// The end of the file: the rest is mapped.
  Status finish(std::vector<StreamedRecord>& out);

  const std::vector<RowIssue>& issues() const { return issues_; }
  /// Every row issue, including those past kMaxIssues.
  std::size_t issueCount() const { return issueCount_; }
  /// A row failed in an all-or-nothing mapping: the file must be refused as a whole (records
  /// of earlier slices have come out already; a caller that commits checks the whole file first).
  bool rejected() const { return rejected_; }

 private:
  struct State;
  Status takeHeader();
  Status mapSlice(std::size_t whole, bool last, std::vector<StreamedRecord>& out);

  const Mapping& mapping_;
  std::string fileName_;
  Options options_;
  std::unique_ptr<State> state_;  ///< the CSV reader, the column index, rows not mapped yet
  std::string header_;            ///< the header row's bytes (empty: not read yet, or none)
  std::string pending_;           ///< bytes from a row boundary on, not mapped yet
  int64_t pendingLine_ = 1;       ///< the file's line where pending_ starts
  std::vector<RowIssue> issues_;
  std::size_t issueCount_ = 0;
  bool rejected_ = false;
};

/// Where the last row that ends inside `bytes` ends (just after its line feed), reading quotes
/// as the layout does; 0 when no row ends there. `bytes` must start at a row boundary. Safe on
/// CP932 and UTF-8 bytes: a line feed or an ASCII quote below 0x40 is never part of a character.
std::size_t endOfWholeRows(std::string_view bytes, char quote);

}  // namespace renkei::mapping

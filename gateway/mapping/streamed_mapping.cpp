// Mapping a large file in slices of whole rows: one CSV reader runs over the whole file (so line
// numbers and errors are the file's), rows gather until a slice is full, the open group waits for
// the next slice, and each record keeps its own bytes.
#include "renkei/mapping/streamed_mapping.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "map_rows.h"

namespace renkei::mapping {

std::size_t endOfWholeRows(std::string_view bytes, char quote) {
  bool quoted = false;
  std::size_t end = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == quote) {
      quoted = !quoted;  // "" inside a quoted field toggles twice
    } else if (c == '\n' && !quoted) {
      end = i + 1;
    }
  }
  return end;
}

namespace {

/// Where the first row of `bytes` ends (after its line feed); 0 when it does not end there.
std::size_t endOfFirstRow(std::string_view bytes, char quote) {
  bool quoted = false;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == quote) {
      quoted = !quoted;
    } else if (bytes[i] == '\n' && !quoted) {
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

struct StreamedMapping::State {
  CsvReader reader;
  std::optional<ColumnIndex> index;
  std::vector<CsvRow> rows;  ///< complete rows not mapped yet (the header is never kept here)
  std::unordered_set<std::string> emitted;  ///< the group keys of the records given out
};

StreamedMapping::StreamedMapping(const Mapping& mapping, std::string fileName, Options options)
    : mapping_(mapping),
      fileName_(std::move(fileName)),
      options_(options),
      state_(std::make_unique<State>(State{CsvReader(mapping.layout.dialect, options.limits), std::nullopt, {}, {}})) {
  options_.sliceBytes = std::max<std::size_t>(options_.sliceBytes, 1);
}

StreamedMapping::~StreamedMapping() = default;

Status StreamedMapping::feed(std::string_view bytes, std::vector<StreamedRecord>& out) {
  if (mapping_.layout.hl7v2) return Status::invalidInput("an HL7 v2 message is read whole, not streamed");
  pending_.append(bytes);
  RENKEI_RETURN_IF_ERROR(state_->reader.feed(bytes, state_->rows));
  RENKEI_RETURN_IF_ERROR(takeHeader());
  if (!state_->index) return {};
  // Bytes of whole rows in pending_; the rest is a row still being read.
  const std::size_t whole = endOfWholeRows(pending_, mapping_.layout.dialect.quote);
  if (whole < options_.sliceBytes) return {};
  return mapSlice(whole, false, out);
}

Status StreamedMapping::finish(std::vector<StreamedRecord>& out) {
  RENKEI_RETURN_IF_ERROR(state_->reader.finish(state_->rows));
  RENKEI_RETURN_IF_ERROR(takeHeader());
  if (!state_->index) {
    return Status::invalidInput("the file is empty: a header row was expected");
  }
  return mapSlice(pending_.size(), true, out);
}

Status StreamedMapping::takeHeader() {
  if (state_->index) return {};
  if (!mapping_.layout.header) {
    auto index = columnIndex(mapping_, nullptr);
    if (!index.ok()) return index.status();
    state_->index = std::move(index).value();
    return {};
  }
  if (state_->rows.empty()) return {};
  auto index = columnIndex(mapping_, &state_->rows.front());
  if (!index.ok()) return index.status();
  state_->index = std::move(index).value();
  // The header row starts after any blank lines the reader skipped.
  const int64_t headerLine = state_->rows.front().line;
  std::size_t begin = 0;
  for (int64_t line = 1; line < headerLine; ++line) begin = pending_.find('\n', begin) + 1;
  const std::size_t rowEnd = endOfFirstRow(std::string_view(pending_).substr(begin), mapping_.layout.dialect.quote);
  const std::size_t end = rowEnd == 0 ? pending_.size() : begin + rowEnd;  // 0: the header is the whole file
  header_ = pending_.substr(begin, end - begin);
  if (header_.back() != '\n') header_ += "\r\n";
  pendingLine_ = 1 + static_cast<int64_t>(std::count(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
  pending_.erase(0, end);
  state_->rows.erase(state_->rows.begin());
  return {};
}

Status StreamedMapping::mapSlice(std::size_t whole, bool last, std::vector<StreamedRecord>& out) {
  std::vector<CsvRow>& rows = state_->rows;
  MapOutcome outcome;
  mapRows(mapping_, *state_->index, rows, 0, fileName_, outcome, options_.mode);
  // The group still open at the end of the slice waits for the rows of the next one.
  std::size_t keepFrom = rows.size();
  if (!last && !mapping_.groupBy.empty() && !rows.empty()) {
    const int64_t lastLine = rows.back().line;
    int64_t openSince = lastLine;
    for (const MappedRecord& r : outcome.records) {
      if (std::find(r.lines.begin(), r.lines.end(), lastLine) != r.lines.end()) openSince = r.line;
    }
    for (const RowIssue& issue : outcome.issues) {
      if (issue.line == lastLine) openSince = std::min(openSince, lastLine);
    }
    keepFrom = static_cast<std::size_t>(
        std::lower_bound(rows.begin(), rows.end(), openSince, [](const CsvRow& r, int64_t l) { return r.line < l; }) -
        rows.begin());
    if (keepFrom == 0) {
      // One group fills the whole slice: read on until it ends (bounded by the row limits).
      const std::size_t cap = std::max<std::size_t>(options_.sliceBytes * 64, kMaxGroupBytes);
      if (whole > cap) {
        return Status::tooLarge("a record's rows (records.group_by) run over " + std::to_string(cap) + " bytes");
      }
      return {};
    }
  }
  const int64_t keptLine = keepFrom < rows.size() ? rows[keepFrom].line : 0;
  if (keptLine != 0 && outcome.rejected &&
      std::none_of(outcome.issues.begin(), outcome.issues.end(), [&](const RowIssue& i) { return i.line < keptLine; })) {
    // Only the rows that wait refused the slice (all-or-nothing): map the others on their own.
    const std::vector<CsvRow> ready(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keepFrom));
    outcome = MapOutcome{};
    mapRows(mapping_, *state_->index, ready, 0, fileName_, outcome, options_.mode);
  }
  auto counts = [&](int64_t line) { return keptLine == 0 || line < keptLine; };
  for (const RowIssue& issue : outcome.issues) {
    if (!counts(issue.line)) continue;
    ++issueCount_;
    if (issues_.size() < kMaxIssues) issues_.push_back(issue);
  }
  rejected_ = rejected_ || (outcome.rejected && issueCount_ > 0);
  // The bytes of the rows mapped now: from pending_'s start to the first kept row (or all whole rows).
  std::vector<int64_t> starts;
  starts.reserve(rows.size());
  for (const CsvRow& r : rows) starts.push_back(r.line);
  std::size_t cut = whole;
  if (keptLine != 0) {
    cut = 0;
    for (int64_t line = pendingLine_; line < keptLine; ++line) cut = pending_.find('\n', cut) + 1;
  }
  const std::string_view mapped(pending_.data(), cut);
  std::vector<MappedRecord> done;
  for (MappedRecord& r : outcome.records) {
    if (!counts(r.line)) continue;
    // A record is given out whole, once: its rows must come together in the file. A file sorted
    // otherwise (a 第6表 by service date) would give one person's plan in parts, each
    // overwriting the last, so it is refused instead.
    const bool split = keptLine != 0 && r.lines.back() >= keptLine;
    if (split || (!r.groupKey.empty() && !state_->emitted.insert(r.groupKey).second)) {
      std::string columns;
      for (const std::string& g : mapping_.groupBy) columns += (columns.empty() ? "" : ", ") + g;
      return Status::invalidInput("the rows of one record (records.group_by: " + columns + ") are not together: line " +
                                  std::to_string(split ? r.lines.back() : r.line) + " belongs to a record " +
                                  "given before it; a file over " + std::to_string(options_.sliceBytes) +
                                  " bytes is read in parts, so sort it by those columns or send it in smaller files");
    }
    done.push_back(std::move(r));
  }
  std::vector<std::string> bytes = options_.recordBytes ? sliceRecords(mapped, pendingLine_, starts, header_, done)
                                                         : std::vector<std::string>(done.size());
  for (std::size_t i = 0; i < done.size(); ++i) out.push_back({std::move(done[i]), std::move(bytes[i])});
  pendingLine_ += static_cast<int64_t>(std::count(mapped.begin(), mapped.end(), '\n'));
  pending_.erase(0, cut);
  rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keepFrom));
  return {};
}

}  // namespace renkei::mapping

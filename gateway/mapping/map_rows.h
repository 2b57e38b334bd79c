// The engine's inside, shared by mapping a whole file, mapping one in slices and rendering: the
// transform steps, where the layout's columns are, rows → records → Bundles, and each record's
// own bytes.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/mapping/csv_reader.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/transforms.h"

namespace renkei::mapping {

/// `value` through a field's transform steps; the refusal names the step.
Result<std::string> applySteps(const std::vector<TransformStep>& steps, std::string value,
                               const TransformContext& context);

/// The context a mapping's transforms run in (its ConceptMaps, the municipalities, the source's
/// mapping parameters).
TransformContext contextOf(const Mapping& m, const MappingParameters* parameters = nullptr);

/// Column name → position in a row.
using ColumnIndex = std::map<std::string, std::size_t>;

/// From the header row (nullptr: the layout's fixed columns); an error naming a column a field
/// reads that the header lacks.
Result<ColumnIndex> columnIndex(const Mapping& m, const CsvRow* header);

/// Maps rows[first..] into `out` (records and issues appended; rejected set when the mapping is
/// all-or-nothing and a row failed). RecordsOnly leaves the records' Bundles empty.
void mapRows(const Mapping& m, const ColumnIndex& index, const std::vector<CsvRow>& rows, std::size_t first,
             std::string_view fileName, MapOutcome& out, MapMode mode = MapMode::Bundles);

/// Each record's bytes: `header` and its rows as they are in `bytes`, whose first byte starts
/// physical line `firstLine`; `rowStarts` are the lines where the rows in `bytes` start.
std::vector<std::string> sliceRecords(std::string_view bytes, int64_t firstLine, const std::vector<int64_t>& rowStarts,
                                      std::string_view header, const std::vector<MappedRecord>& records);

}  // namespace renkei::mapping

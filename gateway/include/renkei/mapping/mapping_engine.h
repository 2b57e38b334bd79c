// Running a mapping: a file's bytes → one canonical FHIR Bundle per record (with the problems of
// the rows that could not be used), and Bundles → the layout's text again.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/fhir/document.h"
#include "renkei/mapping/mapping.h"

namespace renkei::mapping {

/// A row that could not be used: its line in the file, the column, and why (never its content).
struct RowIssue {
  int64_t line = 0;
  std::string column;
  std::string message;
};

struct MappedRecord {
  std::string bundleJson;  ///< a collection Bundle tagged with the mapping id and version
  std::unique_ptr<fhir::Document> bundle;  ///< MapMode::Trees: that Bundle as a tree, no JSON
  int64_t line = 0;        ///< the record's first row
  std::vector<int64_t> lines;  ///< the physical line where each of its rows starts
  std::string groupKey;        ///< its records.group_by values ("" when the layout has none)
};

struct MapOutcome {
  std::vector<MappedRecord> records;
  std::vector<RowIssue> issues;
  /// The whole file is refused: the mapping is all-or-nothing and a row failed.
  bool rejected = false;
  int64_t headerLine = 0;             ///< the header row's line (0: the layout has none)
  std::vector<int64_t> rowStarts;     ///< where every CSV row of the file starts, in order
};

/// Values a source gives every mapping it runs — e.g. the institution code of a hospital whose
/// HL7 v2 messages leave MSH-4 without one — read by the transform parameter_default:<key>. They
/// travel in the name a file or record is mapped and stored under: "name?key=value&key=value"
/// (keys and values of letters, digits, '_', '-' and '.').
using MappingParameters = std::map<std::string, std::string>;
/// `name` with `parameters` appended (unchanged when there are none).
std::string withMappingParameters(std::string name, const MappingParameters& parameters);
/// The name without its parameters, and the parameters.
std::pair<std::string_view, MappingParameters> splitMappingParameters(std::string_view name);
/// InvalidInput naming the key or value that is not of the allowed characters.
Status checkMappingParameters(const MappingParameters& parameters);

/// What mapping a file makes: the records' Bundles as JSON, or as trees ready to validate (the
/// Normalizer: no JSON written and read back), or only the records (their rows, lines and row
/// problems) for a source that commits each record's bytes and lets the Normalizer map it.
enum class MapMode { Bundles, Trees, RecordsOnly };

/// Reads a file in the mapping's layout; `fileName` (its last path part counts) gives the fields
/// read from the name (match.file_names placeholders), the mapping parameters (see above), and
/// sets identity-pending ids apart. An
/// error when the file cannot be read as that layout at all (encoding, CSV syntax, a column
/// missing from the header); row problems are issues.
Result<MapOutcome> mapFile(const Mapping& mapping, std::string_view bytes, std::string_view fileName = {},
                           const CsvLimits& limits = {}, MapMode mode = MapMode::Bundles);

/// Each record's own bytes, exactly as in the file: the header row (when the layout has one) and
/// the record's rows. Mapped alone they give that record again, so a file's records can be kept
/// and replayed one by one without copying the whole file per record.
std::vector<std::string> recordSlices(std::string_view bytes, const MapOutcome& outcome);

/// Renders Bundles (JSON) into the layout as UTF-8 text: the header (when the layout has one) and
/// one row per record, per-row elements giving one row each. A value a render transform refuses
/// is an error naming the field.
Result<std::string> renderLayout(const Mapping& mapping, const std::vector<std::string>& bundles);

/// The file name a CSV destination gives a rendered Bundle (layout.file_name): each {part} from
/// `given` (the destination's own values, the time), else from the field read from that part of
/// a file name or of that name, rendered as its column would be. NotFound when the layout names
/// no file; InvalidInput naming a part without a value.
Result<std::string> renderFileName(const Mapping& mapping, const std::string& bundle,
                                   const std::map<std::string, std::string>& given);

/// The system of the Bundle.meta.tag that names the mapping (code = id, version = version).
inline constexpr const char* kMappingTagSystem = "https://fhir.renkei.jp/CodeSystem/mapping";

}  // namespace renkei::mapping

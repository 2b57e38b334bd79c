// Running a mapping: CSV rows or an HL7 v2 message → field values (transforms) → records
// (group_by) → resources from templates with deterministic ids → a Bundle per record. The way back
// (Bundles → rows) is layout_render.cpp.
#include "renkei/mapping/mapping_engine.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "icu_text.h"
#include "map_rows.h"
#include "record_template.h"
#include "renkei/core/digest.h"
#include "renkei/core/utf8.h"
#include "renkei/fhirpath/evaluator.h"
#include "renkei/hl7v2/message.h"
#include "renkei/mapping/municipality_resolver.h"
#include "renkei/mapping/transforms.h"

namespace renkei::mapping {
namespace {

using rapidjson::Value;

/// A deterministic urn:uuid from a hash (version 5-like layout, hex from SHA-256).
std::string urnUuidFrom(std::string_view hex) {
  std::string out;
  out.reserve(45);
  out.append("urn:uuid:").append(hex.substr(0, 8)).append("-").append(hex.substr(8, 4)).append("-5").append(hex.substr(13, 3));
  out.append("-8").append(hex.substr(17, 3)).append("-").append(hex.substr(20, 12));
  return out;
}

bool parameterText(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

struct Record {
  RecordValues values;
  /// HL7 v2: per repeated segment a resource is made for ("PRB"), one row per group of it.
  std::map<std::string, RecordValues> segments;
  std::vector<int64_t> lines;
  std::string groupKey;  ///< its records.group_by values ("" when the layout has none)
  bool bad = false;
};

/// The values a resource is built from: the record's, or its segment's groups.
RecordValues& valuesFor(Record& record, const ResourceSpec& r) {
  return r.eachSegment.empty() ? record.values : record.segments[r.eachSegment];
}

/// A person's name written so that it does not identify them: a mask character (●京●郎, ○○,
/// ＊) or only initials ("Y.T.", "ＹＴ", "YT", "Y・T"). HL7 v2 mappings name the person by the
/// hospital's patient id and do not ask.
bool isMaskedName(const std::string& value) {
  static const char* const kMasks[] = {"●", "○", "◯", "〇", "＊", "*", "×", "✕", "■", "□", "▲", "△", "◆", "◇"};
  for (const char* mask : kMasks) {
    if (value.find(mask) != std::string::npos) return true;
  }
  auto folded = text::nfkc(value);
  if (!folded.ok()) return false;
  int letters = 0;
  for (std::size_t i = 0; i < folded->size(); ++i) {
    const char c = (*folded)[i];
    if (std::isalpha(static_cast<unsigned char>(c)) != 0) {
      ++letters;
    } else if (c == '.' || c == ' ') {
      continue;
    } else if (folded->compare(i, 3, "・") == 0 || folded->compare(i, 3, "･") == 0) {
      i += 2;
    } else {
      return false;
    }
  }
  return letters >= 1 && letters <= 3;
}

/// Whether a resource exists for the record (row: a per-row resource's row).
Result<bool> present(const ResourceSpec& r, const Mapping& m, const RecordValues& values, std::optional<std::size_t> row) {
  auto filled = [&](const std::string& field) {
    if (row) return !values.value(field, *row).empty();
    for (std::size_t i = 0; i < values.rows.size(); ++i) {
      if (!values.value(field, i).empty()) return true;
    }
    return false;
  };
  if (!std::all_of(r.when.begin(), r.when.end(), filled)) return false;
  if (!r.condition) return true;
  thread_local fhirpath::Evaluator evaluator;
  // The field values are the variables, referred to where they are; their lists are reused.
  thread_local fhirpath::Environment env;
  env.variables.resize(m.fields.size());
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    const std::string& text = values.value(i, row.value_or(0));
    env.variables[i].clear();
    if (!text.empty()) env.variables[i].push_back(fhirpath::Item::ofString(text));
  }
  auto result = evaluator.evaluate(*r.condition, fhirpath::Item::ofBoolean(true), env);
  if (!result.ok()) return Status::invalidInput("resource " + r.key + ": when: " + result.status().message());
  auto truth = fhirpath::asBoolean(result.value());
  if (!truth.ok()) return Status::invalidInput("resource " + r.key + ": when: " + truth.status().message());
  return truth.value().value_or(false);
}

/// One resource to make: its spec, the row it stands for (per-row resources), id and fullUrl.
struct Instance {
  const ResourceSpec* spec;
  std::size_t keyRank;  ///< where the spec's key first appears among the mapping's resources
  const RecordValues* values;
  std::optional<std::size_t> row;
  std::string id;
  bool pending = false;
};

/// Whether rows `a` and `b` give every field a template uses the same value.
bool sameTemplateValues(const TemplateNode& templ, const RecordValues& values, std::size_t a, std::size_t b) {
  return std::all_of(templ.fieldIds.begin(), templ.fieldIds.end(),
                     [&](std::size_t field) { return values.value(field, a) == values.value(field, b); });
}

/// The record's Bundle, as JSON or (MapMode::Trees) as a tree in `tree`.
Result<std::string> buildBundle(const Mapping& m, Record& record, std::string_view source, MapMode mode,
                                std::unique_ptr<fhir::Document>& tree) {
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& a = bundle.GetAllocator();
  const std::size_t rows = record.values.rows.size();
  // The record's content identifies what has no business key: made only when one needs it.
  std::string content;
  auto contentKey = [&]() -> const std::string& {
    if (content.empty()) {
      for (const auto& row : record.values.rows) {
        for (const auto& [f, at] : *m.fieldIndex) content.append("|").append(f).append("=").append(row[at]);
      }
    }
    return content;
  };
  // Ids and fullUrls first, so that every template can refer to every resource.
  std::vector<Instance> instances;
  for (const ResourceSpec& r : m.resources) {
    const RecordValues& values = valuesFor(record, r);
    const bool each = !r.eachSegment.empty();
    const std::size_t count = each ? values.rows.size() : rows;
    if (r.perRow && rows > 1) record.values.perRowRefs.insert("ref:" + r.key);
    std::vector<std::optional<std::size_t>> at;
    if (r.perRow || each) {
      for (std::size_t i = 0; i < count; ++i) at.emplace_back(i);
    } else {
      at.emplace_back(std::nullopt);
    }
    // Resources sharing a key are variants of one resource: the first whose `when` holds is made.
    std::size_t rank = 0;
    while (m.resources[rank].key != r.key) ++rank;
    auto [slot, fresh] = record.values.refs.try_emplace(r.key);
    std::vector<std::string>& urls = slot->second;
    if (fresh) urls.assign(r.perRow || each ? count : 1, "");
    for (const auto& row : at) {
      const std::size_t i = row.value_or(0);
      if (!urls[i].empty()) continue;  // an earlier variant made it
      auto exists = present(r, m, values, row);
      if (!exists.ok()) return exists.status();
      if (!exists.value()) continue;
      bool pending = false;
      for (const std::string& f : r.maskedIdentity) pending = pending || isMaskedName(values.value(f, i));
      std::string key = r.idNamespace + "|" + r.key;
      bool business = !r.idFrom.empty() && !pending;
      for (const std::string& f : r.idFrom) {
        const std::string& v = values.value(f, i);
        business = business && !v.empty();
        key += "|" + v;
      }
      if (pending) {
        key += "|identity-pending|" + std::string(source) + contentKey();
      } else if (!business && each) {  // no business key: the segment group's content identifies it
        key += "|" + r.eachSegment;
        for (const auto& [f, position] : *m.fieldIndex) key.append("|").append(f).append("=").append(values.rows[i][position]);
      } else if (!business) {  // no business key: the record's content identifies it
        key += contentKey();
        if (row) key += "|row=" + std::to_string(i);
      }
      const std::string hex = sha256Hex(key);
      const std::string id = hex.substr(0, 32);
      urls[i] = urnUuidFrom(hex);
      const auto made = std::find_if(instances.begin(), instances.end(), [&](const Instance& other) {
        return other.id == id && other.spec->key == r.key;
      });
      if (made != instances.end()) {
        // Another row made the same resource. Rows of a grouped record make one resource together;
        // two segments make one when both say the same (a doctor ordering three drugs), and are
        // refused when they differ, since one of them would be lost.
        const std::size_t first = made->row.value_or(0);
        if (!each || made->spec != &r || sameTemplateValues(*r.compiled, values, first, i)) continue;
        std::string ids;
        for (const std::string& f : r.idFrom) ids += (ids.empty() ? "" : ", ") + f;
        return Status::invalidInput("the " + r.eachSegment + " segments " + std::to_string(first + 1) + " and " + std::to_string(i + 1) + " make one " +
                                    r.resourceType + " (the same " + (ids.empty() ? "content key" : ids) +
                                    ") with different values; one of them would be lost");
      }
      instances.push_back({&r, rank, &values, row, id, pending});
    }
  }
  // Variants of one key are listed together, in the order of their rows (or segments).
  std::stable_sort(instances.begin(), instances.end(), [&](const Instance& x, const Instance& y) {
    return x.keyRank != y.keyRank ? x.keyRank < y.keyRank : x.row.value_or(0) < y.row.value_or(0);
  });
  // Per-segment resources refer to the message's resources and to those of their own group.
  for (auto& [segment, values] : record.segments) {
    values.refs = record.values.refs;
    values.perRowRefs = record.values.perRowRefs;
  }
  bundle.AddMember("resourceType", "Bundle", a);
  Value meta(rapidjson::kObjectType), tags(rapidjson::kArrayType), tag(rapidjson::kObjectType);
  tag.AddMember("system", Value(kMappingTagSystem, a), a);
  tag.AddMember("version", Value(m.version.c_str(), a), a);
  tag.AddMember("code", Value(m.id.c_str(), a), a);
  tags.PushBack(tag, a);
  meta.AddMember("tag", tags, a);
  bundle.AddMember("meta", meta, a);
  bundle.AddMember("type", "collection", a);
  Value entries(rapidjson::kArrayType);
  for (const Instance& instance : instances) {
    const ResourceSpec* r = instance.spec;
    Value resource = buildFromTemplate(*r->compiled, *instance.values, a, instance.row);
    if (!resource.IsObject()) continue;
    Value ordered(rapidjson::kObjectType);
    ordered.AddMember("resourceType", Value(r->resourceType.c_str(), a), a);
    ordered.AddMember("id", Value(instance.id.c_str(), a), a);
    for (auto& member : resource.GetObject()) {
      const std::string name = member.name.GetString();
      if (name != "resourceType" && name != "id") ordered.AddMember(member.name, member.value, a);
    }
    if (instance.pending) {
      if (!ordered.HasMember("meta")) ordered.AddMember("meta", Value(rapidjson::kObjectType), a);
      Value& rmeta = ordered["meta"];
      if (!rmeta.HasMember("tag")) rmeta.AddMember("tag", Value(rapidjson::kArrayType), a);
      Value pendingTag(rapidjson::kObjectType);
      pendingTag.AddMember("system", Value(kIdentityStatusSystem, a), a);
      pendingTag.AddMember("code", "pending", a);
      pendingTag.AddMember("display", Value("本人確認待ち", a), a);
      rmeta["tag"].PushBack(pendingTag, a);
    }
    Value entry(rapidjson::kObjectType);
    entry.AddMember("fullUrl", Value(record.values.ref(r->key, instance.row.value_or(0)).c_str(), a), a);
    entry.AddMember("resource", ordered, a);
    entries.PushBack(entry, a);
  }
  bundle.AddMember("entry", entries, a);
  if (mode != MapMode::Trees) return writeJson(bundle);
  fhir::ReadResult read = readTree(bundle);
  if (!read.ok()) return Status::invalidInput("the Bundle built is not FHIR JSON: " + read.status.message());
  tree = std::move(read.document);
  return std::string();
}

/// The parts of `fileName` the first matching pattern reads (none when none matches).
std::map<std::string, std::string> fileNameParts(const Mapping& m, std::string_view fileName) {
  const std::size_t slash = fileName.find_last_of('/');
  if (slash != std::string_view::npos) fileName = fileName.substr(slash + 1);
  for (const FileNamePattern& p : m.fileNames) {
    if (auto parts = p.match(fileName)) return std::move(*parts);
  }
  return {};
}

}  // namespace

Result<std::string> applySteps(const std::vector<TransformStep>& steps, std::string value,
                               const TransformContext& context) {
  // Valid UTF-8 stays valid from step to step: checked once here (invalid input takes the
  // checking path, which says which step refused it).
  const bool utf8 = firstInvalidUtf8(value) == std::string::npos;
  for (const TransformStep& s : steps) {
    if (s.transform == nullptr) return Status::invalidInput(s.name + ": unknown transform '" + s.name + "'");
    auto next = utf8 ? applyTransformToUtf8(*s.transform, s.arg, value, context)
                     : applyTransform(*s.transform, s.arg, value, context);
    if (!next.ok()) return Status::invalidInput(s.name + ": " + next.status().message());
    value = std::move(next).value();
  }
  return value;
}

TransformContext contextOf(const Mapping& m, const MappingParameters* parameters) {
  TransformContext context;
  context.lookups = &m.lookups;
  context.municipalities = tokyoMunicipalityResolver();
  context.parameters = parameters;
  return context;
}

Result<ColumnIndex> columnIndex(const Mapping& m, const CsvRow* header) {
  ColumnIndex index;
  if (header != nullptr) {
    for (std::size_t i = 0; i < header->fields.size(); ++i) index.emplace(header->fields[i], i);
  } else {
    for (std::size_t i = 0; i < m.layout.columns.size(); ++i) index.emplace(m.layout.columns[i], i);
  }
  for (const FieldSpec& f : m.fields) {
    if (f.filePart.empty() && index.count(f.column) == 0) {
      return Status::invalidInput("column '" + f.column + "' is missing from the header row");
    }
  }
  return index;
}

namespace {

/// Where a field reads from, as an issue names it: its column, its HL7 v2 path or its file-name part.
std::string sourceName(const FieldSpec& f) {
  if (!f.path.empty()) return f.path;
  return f.filePart.empty() ? f.column : "file name {" + f.filePart + "}";
}

/// A field's canonical value from its text; a refusal becomes the line's issue, said once when
/// several fields read one column. False when refused.
bool readField(const FieldSpec& f, const std::string& text, const TransformContext& context, int64_t line,
               std::string& value, MapOutcome& out) {
  auto v = applySteps(f.read, text, context);
  if (v.ok()) {
    value = std::move(v).value();
    return true;
  }
  const std::string column = sourceName(f);
  bool again = false;
  for (auto said = out.issues.rbegin(); !again && said != out.issues.rend() && said->line == line; ++said) {
    again = said->column == column && said->message == v.status().message();
  }
  if (!again) out.issues.push_back({line, column, v.status().message()});
  return false;
}

/// The records' Bundles (or, RecordsOnly, the records alone) into `out`; an all-or-nothing
/// mapping with a refused row or resource gives none.
void buildRecords(const Mapping& m, std::vector<Record>& records, std::string_view fileName, MapMode mode,
                  MapOutcome& out) {
  const bool anyBad = std::any_of(records.begin(), records.end(), [](const Record& r) { return r.bad; }) ||
                      !out.issues.empty();
  if (m.allOrNothing && anyBad) {
    out.rejected = true;
    return;
  }
  for (Record& record : records) {
    if (record.bad) continue;
    if (mode == MapMode::RecordsOnly) {
      out.records.push_back({"", nullptr, record.lines.front(), record.lines, record.groupKey});
      continue;
    }
    std::unique_ptr<fhir::Document> tree;
    auto bundle = buildBundle(m, record, fileName, mode, tree);
    if (!bundle.ok()) {
      out.issues.push_back({record.lines.front(), "", bundle.status().message()});
      if (m.allOrNothing) {
        out.rejected = true;
        out.records.clear();
        return;
      }
      continue;
    }
    out.records.push_back({std::move(bundle).value(), std::move(tree), record.lines.front(), record.lines, record.groupKey});
  }
}

/// A value read by an HL7 v2 path, the first of its alternatives that has one: HL7's explicit
/// null `""` ("delete what you have") is no value, like an absent one — FHIR has no null, and a
/// mapped resource replaces the one it updates whole.
std::string hl7v2Value(const hl7v2::Message& message, const FieldSpec& f) {
  for (const hl7v2::FieldPath& path : f.parsedPaths) {
    std::string read = message.value(path);
    if (!read.empty() && read != "\"\"") return read;
  }
  return std::string();
}

/// The rows of the resources made per repeated segment: one per group of that segment, each
/// field read in the group when its segment is the group's own, else the message's value. A
/// value refused is the issue of the group's first segment (its line in the message).
void readSegmentGroups(const Mapping& m, const hl7v2::Message& message, const TransformContext& context,
                       Record& record, MapOutcome& out) {
  for (const ResourceSpec& r : m.resources) {
    if (r.eachSegment.empty() || record.segments.count(r.eachSegment) != 0) continue;
    RecordValues& values = record.segments[r.eachSegment];
    values.fields = m.fieldIndex;
    values.perRowField.assign(m.fields.size(), 1);
    for (const hl7v2::SegmentGroup& group : message.groups(r.eachSegment)) {
      const auto line = static_cast<int64_t>(group.line);
      std::vector<std::string> row = record.values.rows.front();
      for (std::size_t i = 0; i < m.fields.size(); ++i) {
        const FieldSpec& f = m.fields[i];
        const bool owned = std::any_of(f.parsedPaths.begin(), f.parsedPaths.end(), [&](const hl7v2::FieldPath& path) {
          return group.owns(std::string_view(path.segment, 3));
        });
        if (f.parsedPaths.empty() || (!f.perSegment && !owned)) continue;
        record.bad = !readField(f, hl7v2Value(group.message, f), context, line, row[i], out) || record.bad;
      }
      values.rows.push_back(std::move(row));
    }
  }
}

/// An HL7 v2 message is one record: each field read by its path, then the resources built.
Result<MapOutcome> mapMessage(const Mapping& m, std::string_view bytes, std::string_view named, MapMode mode) {
  auto message = hl7v2::Message::parse(bytes);
  if (!message.ok()) return message.status();
  const auto [fileName, parameters] = splitMappingParameters(named);
  const TransformContext context = contextOf(m, &parameters);
  const std::map<std::string, std::string> fileParts = fileNameParts(m, fileName);
  MapOutcome out;
  out.rowStarts = {1};
  std::vector<Record> records(1);
  Record& record = records[0];
  record.values.fields = m.fieldIndex;
  record.values.perRowField.assign(m.fields.size(), 0);
  record.lines = {1};
  std::vector<std::string> values(m.fields.size());
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    const FieldSpec& f = m.fields[i];
    if (f.perSegment) continue;  // read in each of its segment's groups
    std::string text;
    if (!f.path.empty()) {
      text = hl7v2Value(message.value(), f);
    } else if (auto part = fileParts.find(f.filePart); part != fileParts.end()) {
      text = part->second;
    }
    record.bad = !readField(f, text, context, 1, values[i], out) || record.bad;
  }
  record.values.rows.push_back(std::move(values));
  if (!record.bad) readSegmentGroups(m, message.value(), context, record, out);
  buildRecords(m, records, fileName, mode, out);
  return out;
}

}  // namespace

std::string withMappingParameters(std::string name, const MappingParameters& parameters) {
  char separator = '?';
  for (const auto& [key, value] : parameters) {
    name.append(1, separator).append(key).append("=").append(value);
    separator = '&';
  }
  return name;
}

std::pair<std::string_view, MappingParameters> splitMappingParameters(std::string_view name) {
  const std::size_t query = name.rfind('?');
  if (query == std::string_view::npos) return {name, {}};
  MappingParameters parameters;
  std::string_view rest = name.substr(query + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || !parameterText(pair.substr(0, eq)) || !parameterText(pair.substr(eq + 1))) {
      return {name, {}};  // not parameters: a '?' that belongs to the name
    }
    parameters.emplace(pair.substr(0, eq), pair.substr(eq + 1));
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return {name.substr(0, query), std::move(parameters)};
}

Status checkMappingParameters(const MappingParameters& parameters) {
  for (const auto& [key, value] : parameters) {
    if (!parameterText(key)) return Status::invalidInput("mapping parameter name '" + key + "' must be letters, digits, '_', '-' or '.'");
    if (!parameterText(value)) return Status::invalidInput("mapping parameter " + key + ": its value must be letters, digits, '_', '-' or '.'");
  }
  return Status::okStatus();
}

Result<MapOutcome> mapFile(const Mapping& m, std::string_view bytes, std::string_view fileName,
                           const CsvLimits& limits, MapMode mode) {
  if (m.layout.hl7v2) return mapMessage(m, bytes, fileName, mode);
  auto rows = readCsv(bytes, m.layout.dialect, limits);
  if (!rows.ok()) return rows.status();
  std::vector<CsvRow>& all = rows.value();
  if (m.layout.header && all.empty()) return Status::invalidInput("the file is empty: a header row was expected");
  auto index = columnIndex(m, m.layout.header ? &all[0] : nullptr);
  if (!index.ok()) return index.status();
  MapOutcome out;
  if (m.layout.header) out.headerLine = all[0].line;
  for (const CsvRow& row : all) out.rowStarts.push_back(row.line);
  mapRows(m, index.value(), all, m.layout.header ? 1 : 0, fileName, out, mode);
  return out;
}

void mapRows(const Mapping& m, const ColumnIndex& index, const std::vector<CsvRow>& all, std::size_t first,
             std::string_view named, MapOutcome& out, MapMode mode) {
  const auto [fileName, parameters] = splitMappingParameters(named);
  const TransformContext context = contextOf(m, &parameters);
  const std::map<std::string, std::string> fileParts = fileNameParts(m, fileName);
  // Where each field's text comes from, looked up once: a column's position, or a file-name part.
  constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
  std::vector<std::size_t> position(m.fields.size(), kNoColumn);
  std::vector<std::string> fromName(m.fields.size());
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    const FieldSpec& f = m.fields[i];
    if (f.filePart.empty()) {
      position[i] = index.at(f.column);
    } else if (auto it = fileParts.find(f.filePart); it != fileParts.end()) {
      fromName[i] = it->second;
    }
  }
  std::size_t readColumns = 0;  ///< how many columns a row must have for every field to find its own
  for (std::size_t p : position) {
    if (p != kNoColumn) readColumns = std::max(readColumns, p + 1);
  }
  const bool checksVersion = !m.layout.versionColumn.empty() && !m.layout.versions.empty() &&
                             index.count(m.layout.versionColumn) != 0;
  const std::size_t versionAt = checksVersion ? index.at(m.layout.versionColumn) : kNoColumn;
  std::vector<std::size_t> groupAt;
  for (const std::string& g : m.groupBy) groupAt.push_back(m.fieldIndex->at(g));
  std::vector<char> perRowField(m.fields.size(), 0);
  for (std::size_t i = 0; i < m.fields.size(); ++i) perRowField[i] = m.fields[i].perRow ? 1 : 0;
  static const std::string kEmpty;
  std::vector<Record> records;
  std::unordered_map<std::string, std::size_t> byKey;
  for (std::size_t r = first; r < all.size(); ++r) {
    const CsvRow& row = all[r];
    if (std::all_of(row.fields.begin(), row.fields.end(), [](const std::string& v) { return v.empty(); })) {
      continue;
    }
    auto cell = [&](std::size_t at) -> const std::string& { return at < row.fields.size() ? row.fields[at] : kEmpty; };
    bool bad = false;
    // A row cut short (16 of a layout's 28 columns) would read its missing columns as empty.
    if (row.fields.size() < readColumns) {
      out.issues.push_back({row.line, "", "the row has " + std::to_string(row.fields.size()) + " columns; the fields read " +
                                              std::to_string(readColumns)});
      bad = true;
    }
    if (checksVersion) {
      const std::string& v = cell(versionAt);
      if (std::find(m.layout.versions.begin(), m.layout.versions.end(), v) == m.layout.versions.end()) {
        out.issues.push_back({row.line, m.layout.versionColumn, "version '" + v + "' is not one this mapping reads"});
        bad = true;
      }
    }
    std::vector<std::string> values(m.fields.size());
    for (std::size_t i = 0; i < m.fields.size(); ++i) {
      const FieldSpec& f = m.fields[i];
      bad = !readField(f, position[i] == kNoColumn ? fromName[i] : cell(position[i]), context, row.line, values[i],
                       out) || bad;
    }
    std::string key = std::to_string(r);
    if (!groupAt.empty()) {
      key.clear();
      for (std::size_t g : groupAt) key.append(values[g]).push_back('\x1f');
    }
    auto [it, fresh] = byKey.emplace(std::move(key), records.size());
    if (fresh) {
      records.emplace_back();
      records.back().values.fields = m.fieldIndex;
      records.back().values.perRowField = perRowField;
      if (!groupAt.empty()) records.back().groupKey = it->first;
    }
    Record& record = records[it->second];
    record.bad = record.bad || bad;
    record.lines.push_back(row.line);
    record.values.rows.push_back(std::move(values));
  }
  buildRecords(m, records, fileName, mode, out);
}

std::vector<std::string> sliceRecords(std::string_view bytes, int64_t firstLine, const std::vector<int64_t>& rowStarts,
                                      std::string_view header, const std::vector<MappedRecord>& records) {
  // Where each physical line starts (0x0A is never part of a CP932 or UTF-8 character).
  std::vector<std::size_t> lineStart{0};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') lineStart.push_back(i + 1);
  }
  auto startOf = [&](int64_t line) { return lineStart[static_cast<std::size_t>(line - firstLine)]; };
  // A row runs from its line to where the next row starts (quoted newlines included).
  auto rowBytes = [&](int64_t line) {
    const auto next = std::upper_bound(rowStarts.begin(), rowStarts.end(), line);
    const std::size_t begin = startOf(line);
    const std::size_t end = next == rowStarts.end() ? bytes.size() : startOf(*next);
    return bytes.substr(begin, end - begin);
  };
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const MappedRecord& record : records) {
    std::string slice(header);
    for (int64_t line : record.lines) {
      std::string_view row = rowBytes(line);
      slice += row;
      if (!row.empty() && row.back() != '\n') slice += "\r\n";  // the file's last row had no line end
    }
    out.push_back(std::move(slice));
  }
  return out;
}

std::vector<std::string> recordSlices(std::string_view bytes, const MapOutcome& outcome) {
  std::string header;
  if (outcome.headerLine > 0) {
    std::vector<MappedRecord> headerOnly(1);
    headerOnly[0].line = outcome.headerLine;
    headerOnly[0].lines = {outcome.headerLine};
    header = std::move(sliceRecords(bytes, 1, outcome.rowStarts, "", headerOnly)[0]);
  }
  return sliceRecords(bytes, 1, outcome.rowStarts, header, outcome.records);
}

}  // namespace renkei::mapping

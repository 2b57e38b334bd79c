// Running a mapping both ways: CSV rows → field values (transforms) → records (group_by) →
// resources from templates with deterministic ids → a Bundle per record; and Bundles → template
// matching → field values (render transforms) → CSV rows.
#include "renkei/mapping/mapping_engine.h"

#include <algorithm>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "record_template.h"
#include "renkei/core/digest.h"
#include "renkei/mapping/csv_writer.h"
#include "renkei/mapping/municipality_resolver.h"
#include "renkei/mapping/transforms.h"

namespace renkei::mapping {
namespace {

using rapidjson::Value;

/// A deterministic urn:uuid from a hash (version 5-like layout, hex from SHA-256).
std::string uuidFrom(const std::string& hex) {
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-5" + hex.substr(13, 3) + "-8" + hex.substr(17, 3) +
         "-" + hex.substr(20, 12);
}

Result<std::string> applySteps(const std::vector<TransformStep>& steps, std::string value,
                               const TransformContext& context) {
  for (const TransformStep& s : steps) {
    auto next = applyTransform(s.name, s.arg, value, context);
    if (!next.ok()) return Status::invalidInput(s.name + ": " + next.status().message());
    value = std::move(next).value();
  }
  return value;
}

/// The render steps of a field: its own, else the inverse of its read steps where one exists.
std::vector<TransformStep> renderSteps(const FieldSpec& f) {
  if (!f.render.empty()) return f.render;
  std::vector<TransformStep> out;
  for (auto it = f.read.rbegin(); it != f.read.rend(); ++it) {
    if (it->name == "yyyymmdd") out.push_back({"iso_to_yyyymmdd", ""});
    if (it->name == "yyyymm") out.push_back({"iso_to_yyyymm", ""});
    if (it->name == "wareki_date") out.push_back({"iso_to_wareki", "kanji"});
    if (it->name == "lookup") out.push_back({"reverse_lookup", it->arg});
  }
  return out;
}

TransformContext contextOf(const Mapping& m) {
  TransformContext context;
  context.lookups = &m.lookups;
  context.municipalities = tokyoMunicipalityResolver();
  return context;
}

std::string toJson(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

struct Record {
  RecordValues values;
  std::vector<int64_t> lines;
  bool bad = false;
};

std::string buildBundle(const Mapping& m, Record& record) {
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& a = bundle.GetAllocator();
  const std::size_t rows = record.values.rows.size();
  auto filled = [&](const std::string& field) {
    for (std::size_t r = 0; r < rows; ++r) {
      if (!record.values.value(field, r).empty()) return true;
    }
    return false;
  };
  // Ids and fullUrls first, so that every template can refer to every resource.
  std::vector<const ResourceSpec*> present;
  std::map<std::string, std::string> ids;
  for (const ResourceSpec& r : m.resources) {
    if (!std::all_of(r.when.begin(), r.when.end(), filled)) continue;
    std::string key = m.id + "|" + r.key;
    bool business = !r.idFrom.empty();
    for (const std::string& f : r.idFrom) {
      const std::string v = record.values.value(f, 0);
      business = business && !v.empty();
      key += "|" + v;
    }
    if (!business) {  // no business key: the record's content identifies it
      for (const auto& row : record.values.rows) {
        for (const auto& [f, v] : row) key += "|" + f + "=" + v;
      }
    }
    const std::string hex = sha256Hex(key);
    ids[r.key] = hex.substr(0, 32);
    record.values.refs[r.key] = "urn:uuid:" + uuidFrom(hex);
    present.push_back(&r);
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
  for (const ResourceSpec* r : present) {
    Value resource = buildFromTemplate(r->templ, record.values, a);
    if (!resource.IsObject()) continue;
    Value ordered(rapidjson::kObjectType);
    ordered.AddMember("resourceType", Value(r->resourceType.c_str(), a), a);
    ordered.AddMember("id", Value(ids[r->key].c_str(), a), a);
    for (auto& member : resource.GetObject()) {
      const std::string name = member.name.GetString();
      if (name != "resourceType" && name != "id") ordered.AddMember(member.name, member.value, a);
    }
    Value entry(rapidjson::kObjectType);
    entry.AddMember("fullUrl", Value(record.values.refs[r->key].c_str(), a), a);
    entry.AddMember("resource", ordered, a);
    entries.PushBack(entry, a);
  }
  bundle.AddMember("entry", entries, a);
  return toJson(bundle);
}

}  // namespace

Result<MapOutcome> mapFile(const Mapping& m, std::string_view bytes, const CsvLimits& limits) {
  auto rows = readCsv(bytes, m.layout.dialect, limits);
  if (!rows.ok()) return rows.status();
  std::vector<CsvRow>& all = rows.value();
  // Where each column is: from the header row, or the layout's order.
  std::map<std::string, std::size_t> index;
  std::size_t first = 0;
  if (m.layout.header) {
    if (all.empty()) return Status::invalidInput("the file is empty: a header row was expected");
    for (std::size_t i = 0; i < all[0].fields.size(); ++i) index.emplace(all[0].fields[i], i);
    first = 1;
  } else {
    for (std::size_t i = 0; i < m.layout.columns.size(); ++i) index.emplace(m.layout.columns[i], i);
  }
  for (const FieldSpec& f : m.fields) {
    if (index.count(f.column) == 0) {
      return Status::invalidInput("column '" + f.column + "' is missing from the header row");
    }
  }
  const TransformContext context = contextOf(m);
  MapOutcome out;
  if (m.layout.header) out.headerLine = all[0].line;
  for (const CsvRow& row : all) out.rowStarts.push_back(row.line);
  std::vector<Record> records;
  std::map<std::string, std::size_t> byKey;
  for (std::size_t r = first; r < all.size(); ++r) {
    const CsvRow& row = all[r];
    if (std::all_of(row.fields.begin(), row.fields.end(), [](const std::string& v) { return v.empty(); })) {
      continue;
    }
    auto cell = [&](const std::string& column) -> std::string {
      const std::size_t i = index.at(column);
      return i < row.fields.size() ? row.fields[i] : "";
    };
    bool bad = false;
    if (!m.layout.versionColumn.empty() && !m.layout.versions.empty() && index.count(m.layout.versionColumn)) {
      const std::string v = cell(m.layout.versionColumn);
      if (std::find(m.layout.versions.begin(), m.layout.versions.end(), v) == m.layout.versions.end()) {
        out.issues.push_back({row.line, m.layout.versionColumn, "version '" + v + "' is not one this mapping reads"});
        bad = true;
      }
    }
    std::map<std::string, std::string> values;
    for (const FieldSpec& f : m.fields) {
      auto v = applySteps(f.read, cell(f.column), context);
      if (!v.ok()) {
        out.issues.push_back({row.line, f.column, v.status().message()});
        bad = true;
        continue;
      }
      values[f.name] = std::move(v).value();
    }
    std::string key = std::to_string(r);
    if (!m.groupBy.empty()) {
      key.clear();
      for (const std::string& g : m.groupBy) key += values[g] + '\x1f';
    }
    auto [it, fresh] = byKey.emplace(key, records.size());
    if (fresh) {
      records.emplace_back();
      for (const FieldSpec& f : m.fields) {
        if (f.perRow) records.back().values.perRow.insert(f.name);
      }
    }
    Record& record = records[it->second];
    record.bad = record.bad || bad;
    record.lines.push_back(row.line);
    record.values.rows.push_back(std::move(values));
  }
  const bool anyBad = std::any_of(records.begin(), records.end(), [](const Record& r) { return r.bad; }) ||
                      !out.issues.empty();
  if (m.allOrNothing && anyBad) {
    out.rejected = true;
    return out;
  }
  for (Record& record : records) {
    if (record.bad) continue;
    out.records.push_back({buildBundle(m, record), record.lines.front(), record.lines});
  }
  return out;
}

std::vector<std::string> recordSlices(std::string_view bytes, const MapOutcome& outcome) {
  // Where each physical line starts (0x0A is never part of a CP932 or UTF-8 character).
  std::vector<std::size_t> lineStart{0, 0};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') lineStart.push_back(i + 1);
  }
  // A row runs from its line to where the next row starts (quoted newlines included).
  auto rowBytes = [&](int64_t line) {
    const auto next = std::upper_bound(outcome.rowStarts.begin(), outcome.rowStarts.end(), line);
    const std::size_t begin = lineStart[static_cast<std::size_t>(line)];
    const std::size_t end = next == outcome.rowStarts.end() ? bytes.size()
                                                            : lineStart[static_cast<std::size_t>(*next)];
    return bytes.substr(begin, end - begin);
  };
  const std::string header = outcome.headerLine > 0 ? std::string(rowBytes(outcome.headerLine)) : "";
  std::vector<std::string> out;
  for (const MappedRecord& record : outcome.records) {
    std::string slice = header;
    for (int64_t line : record.lines) {
      std::string_view row = rowBytes(line);
      slice += row;
      if (!row.empty() && row.back() != '\n') slice += "\r\n";  // the file's last row had no line end
    }
    out.push_back(std::move(slice));
  }
  return out;
}

Result<std::string> renderLayout(const Mapping& m, const std::vector<std::string>& bundles) {
  const TransformContext context = contextOf(m);
  std::set<std::string> perRow;
  for (const FieldSpec& f : m.fields) {
    if (f.perRow) perRow.insert(f.name);
  }
  std::string out;
  if (m.layout.header) out += csvRow(m.layout.columns, m.layout.dialect);
  for (std::size_t index = 0; index < bundles.size(); ++index) {
    rapidjson::Document doc;
    doc.Parse(bundles[index].c_str(), bundles[index].size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return Status::invalidInput("bundle " + std::to_string(index + 1) + " is not JSON");
    }
    std::vector<const Value*> resources;
    if (std::string(doc["resourceType"].GetString()) == "Bundle" && doc.HasMember("entry")) {
      for (const auto& e : doc["entry"].GetArray()) {
        if (e.HasMember("resource")) resources.push_back(&e["resource"]);
      }
    } else {
      resources.push_back(&doc);
    }
    // The most specific templates choose first; each resource answers one template, the one
    // whose constants it fits best (an office Organization with its type, not the clinic).
    std::vector<const ResourceSpec*> specs;
    for (const ResourceSpec& spec : m.resources) specs.push_back(&spec);
    std::stable_sort(specs.begin(), specs.end(), [](const ResourceSpec* a, const ResourceSpec* b) {
      return constantCount(a->templ) > constantCount(b->templ);
    });
    std::vector<bool> used(resources.size(), false);
    Bindings found;
    for (const ResourceSpec* spec : specs) {
      int best = -1;
      Bindings bestBindings;
      for (std::size_t i = 0; i < resources.size(); ++i) {
        const Value* r = resources[i];
        if (used[i] || !r->HasMember("resourceType") || spec->resourceType != (*r)["resourceType"].GetString()) continue;
        Bindings b;
        if (!matchTemplate(spec->templ, *r, perRow, b)) continue;
        if (best < 0 || b.constants > bestBindings.constants) {
          best = static_cast<int>(i);
          bestBindings = std::move(b);
        }
      }
      if (best < 0) continue;
      used[static_cast<std::size_t>(best)] = true;
      found.once.insert(bestBindings.once.begin(), bestBindings.once.end());
      found.perRow.insert(found.perRow.end(), bestBindings.perRow.begin(), bestBindings.perRow.end());
    }
    const std::size_t rowCount = std::max<std::size_t>(1, found.perRow.size());
    for (std::size_t r = 0; r < rowCount; ++r) {
      std::map<std::string, std::string> values = found.once;
      if (r < found.perRow.size()) {
        for (const auto& [k, v] : found.perRow[r]) values[k] = v;
      }
      std::vector<std::string> cells;
      for (const std::string& column : m.layout.columns) {
        std::string cell;
        for (const FieldSpec& f : m.fields) {
          if (f.column != column || values[f.name].empty()) continue;
          auto rendered = applySteps(renderSteps(f), values[f.name], context);
          if (!rendered.ok()) {
            return Status::invalidInput("bundle " + std::to_string(index + 1) + ", field " + f.name + ": " +
                                        rendered.status().message());
          }
          cell = std::move(rendered).value();
          break;
        }
        if (cell.empty() && column == m.layout.versionColumn && !m.layout.versions.empty()) {
          cell = m.layout.versions.back();
        }
        cells.push_back(std::move(cell));
      }
      out += csvRow(cells, m.layout.dialect);
    }
  }
  return out;
}

}  // namespace renkei::mapping

// Rendering Bundles into a mapping's layout: template matching → field values (render
// transforms, the inverse of the read ones where none are given) → rows and the file's name.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "map_rows.h"
#include "record_template.h"
#include "renkei/mapping/csv_writer.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/transforms.h"

namespace renkei::mapping {
namespace {

using rapidjson::Value;

/// The render steps of a field: its own, else the inverse of its read steps where one exists.
std::vector<TransformStep> renderSteps(const FieldSpec& f) {
  if (!f.render.empty()) return f.render;
  std::vector<TransformStep> out;
  auto add = [&](const char* name, const std::string& arg) { out.push_back({name, arg, findTransform(name)}); };
  for (auto it = f.read.rbegin(); it != f.read.rend(); ++it) {
    if (it->name == "yyyymmdd") add("iso_to_yyyymmdd", "");
    if (it->name == "yyyymm") add("iso_to_yyyymm", "");
    if (it->name == "hhmm") add("iso_to_hhmm", "");
    if (it->name == "wareki_date") add("iso_to_wareki", "kanji");
    if (it->name == "lookup") add("reverse_lookup", it->arg);
  }
  return out;
}

/// Whether a matched resource refers to `url` under another template's key of the same type: that
/// resource is the other template's, not one for a template nothing points at.
bool claimedByOther(const Mapping& m, const Bindings& found, const ResourceSpec& spec, const std::string& url) {
  for (const auto& [name, value] : found.once) {
    if (value != url || name.rfind("ref:", 0) != 0 || name.compare(4, std::string::npos, spec.key) == 0) continue;
    for (const ResourceSpec& other : m.resources) {
      // Only a template of the same type claims it (an author may be a role or an office).
      if (name.compare(4, std::string::npos, other.key) == 0 && other.resourceType == spec.resourceType) return true;
    }
  }
  return false;
}

/// The canonical values one Bundle (or resource) gives back, one map per row of the layout: each
/// template takes the resource of its type whose constants fit it best (the most specific
/// templates choose first); per-row resources take every resource that fits and join the rows
/// whose references point at them (or make rows of their own when nothing refers to them). An
/// array element with no per-row field, only references, makes no row.
Result<std::vector<std::map<std::string, std::string>>> rowsOf(const Mapping& m, const Value& doc) {
  std::set<std::string> perRow;
  for (const FieldSpec& f : m.fields) {
    if (f.perRow) perRow.insert(f.name);
  }
  for (const ResourceSpec& r : m.resources) {
    if (r.perRow) perRow.insert("ref:" + r.key);
  }
  std::vector<const Value*> resources;
  std::vector<std::string> fullUrls;
  if (doc.HasMember("resourceType") && doc["resourceType"].IsString() &&
      std::string_view(doc["resourceType"].GetString()) == "Bundle" && doc.HasMember("entry") && doc["entry"].IsArray()) {
    for (const auto& e : doc["entry"].GetArray()) {
      if (!e.IsObject() || !e.HasMember("resource")) continue;
      resources.push_back(&e["resource"]);
      fullUrls.push_back(e.HasMember("fullUrl") && e["fullUrl"].IsString() ? e["fullUrl"].GetString() : "");
    }
  } else {
    resources.push_back(&doc);
    fullUrls.emplace_back();
  }
  std::vector<const ResourceSpec*> specs;
  for (const ResourceSpec& spec : m.resources) specs.push_back(&spec);
  std::stable_sort(specs.begin(), specs.end(), [](const ResourceSpec* a, const ResourceSpec* b) {
    return constantCount(a->templ) > constantCount(b->templ);
  });
  std::vector<bool> used(resources.size(), false);
  Bindings found;
  // Per-row resources by key: fullUrl → their values, in Bundle order.
  std::map<std::string, std::vector<std::pair<std::string, std::map<std::string, std::string>>>> rowResources;
  for (const ResourceSpec* spec : specs) {
    int best = -1;
    Bindings bestBindings;
    // A resource a matched one refers to under this key is the one this template stands for (the
    // かかりつけ医's role names its Practitioner; an unqualified Practitioner would be a guess).
    auto referred = found.once.find("ref:" + spec->key);
    const std::string* wanted = referred != found.once.end() && !referred->second.empty() ? &referred->second : nullptr;
    for (std::size_t i = 0; i < resources.size(); ++i) {
      const Value* r = resources[i];
      if (used[i] || !r->IsObject() || !r->HasMember("resourceType") || !(*r)["resourceType"].IsString() ||
          spec->resourceType != (*r)["resourceType"].GetString()) {
        continue;
      }
      if (wanted != nullptr && !spec->perRow && fullUrls[i] != *wanted) continue;
      if (wanted == nullptr && !fullUrls[i].empty() && claimedByOther(m, found, *spec, fullUrls[i])) continue;
      Bindings b;
      if (!matchTemplate(spec->templ, *r, perRow, b)) continue;
      if (spec->perRow) {
        // Made for one row: what its lists hold belongs to that row too.
        used[i] = true;
        for (const auto& inner : b.perRow) b.once.insert(inner.begin(), inner.end());
        rowResources[spec->key].emplace_back(fullUrls[i], std::move(b.once));
        continue;
      }
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
  std::vector<std::map<std::string, std::string>> rows;
  std::set<std::pair<std::string, std::string>> joined;  // (key, fullUrl) some row refers to
  for (std::map<std::string, std::string>& row : found.perRow) {
    // An element holding only references (CarePlan.goal) lists what the rows refer to: no row.
    if (std::all_of(row.begin(), row.end(), [](const auto& kv) { return kv.first.rfind("ref:", 0) == 0; })) continue;
    for (const auto& [key, instances] : rowResources) {
      auto ref = row.find("ref:" + key);
      if (ref == row.end()) continue;
      for (const auto& [url, values] : instances) {
        if (url != ref->second) continue;
        row.insert(values.begin(), values.end());
        joined.emplace(key, url);
      }
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [key, instances] : rowResources) {
    for (const auto& [url, values] : instances) {
      if (joined.count({key, url}) == 0) rows.push_back(values);
    }
  }
  if (rows.empty()) rows.emplace_back();
  for (auto& row : rows) row.insert(found.once.begin(), found.once.end());
  return rows;
}

Result<Value*> parseBundle(rapidjson::Document& doc, const std::string& json, std::size_t index) {
  // Numbers as their text: a decimal renders as it was written (11.40, not 11.4).
  doc.Parse<rapidjson::kParseNumbersAsStringsFlag>(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::invalidInput("bundle " + std::to_string(index + 1) + " is not JSON");
  }
  return &doc;
}

}  // namespace

Result<std::string> renderLayout(const Mapping& m, const std::vector<std::string>& bundles) {
  if (m.layout.hl7v2) return Status::invalidInput("mapping " + m.id + " reads HL7 v2 messages; it does not write them");
  const TransformContext context = contextOf(m);
  std::string out;
  if (m.layout.header) out += csvRow(m.layout.columns, m.layout.dialect);
  for (std::size_t index = 0; index < bundles.size(); ++index) {
    rapidjson::Document doc;
    RENKEI_RETURN_IF_ERROR(parseBundle(doc, bundles[index], index).status());
    auto rows = rowsOf(m, doc);
    if (!rows.ok()) return rows.status();
    for (std::map<std::string, std::string>& values : rows.value()) {
      std::vector<std::string> cells;
      for (const std::string& column : m.layout.columns) {
        std::string cell;
        // The field that has a value renders the column; without one, a field with its own render
        // chain still runs it (so "default:9999" writes the layout's "no value").
        const FieldSpec* from = nullptr;
        for (const FieldSpec& f : m.fields) {
          if (f.column != column) continue;
          if (!values[f.name].empty()) {
            from = &f;
            break;
          }
          if (from == nullptr && !f.render.empty()) from = &f;
        }
        if (const FieldSpec* f = from) {
          auto rendered = applySteps(renderSteps(*f), values[f->name], context);
          if (!rendered.ok()) {
            return Status::invalidInput("bundle " + std::to_string(index + 1) + ", field " + f->name + ": " +
                                        rendered.status().message());
          }
          cell = std::move(rendered).value();
        }
        if (cell.empty() && column == m.layout.versionColumn && !m.layout.versions.empty()) {
          cell = m.layout.versions.back();
        }
        cells.push_back(std::move(cell));
      }
      out += csvRow(cells, m.layout.dialect, m.layout.quoted);
    }
  }
  return out;
}

Result<std::string> renderFileName(const Mapping& m, const std::string& bundle,
                                   const std::map<std::string, std::string>& given) {
  if (!m.renderedFileName) return Status::notFound("layout " + m.id + " names no file (layout.file_name)");
  rapidjson::Document doc;
  RENKEI_RETURN_IF_ERROR(parseBundle(doc, bundle, 0).status());
  auto rows = rowsOf(m, doc);
  if (!rows.ok()) return rows.status();
  std::map<std::string, std::string> values = given;
  const TransformContext context = contextOf(m);
  std::map<std::string, std::string>& first = rows.value().front();
  for (const std::string& name : m.renderedFileName->names()) {
    if (values.count(name) != 0) continue;
    for (const FieldSpec& f : m.fields) {
      if ((f.filePart != name && f.name != name) || first[f.name].empty()) continue;
      auto rendered = applySteps(renderSteps(f), first[f.name], context);
      if (!rendered.ok()) return Status::invalidInput("file name, field " + f.name + ": " + rendered.status().message());
      values[name] = std::move(rendered).value();
      break;
    }
  }
  return m.renderedFileName->render(values);
}

}  // namespace renkei::mapping

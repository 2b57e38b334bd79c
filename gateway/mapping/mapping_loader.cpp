// Loading mapping folders: mapping.json checked against the embedded schema (each section on its
// own, so every broken part is reported), then the cross-checks a schema cannot make: known
// transforms, ConceptMaps that exist, placeholders that name fields or resources, group keys
// that are fields. Every error names its file and JSON pointer.
#include <algorithm>
#include <filesystem>
#include <map>

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>

#include "record_template.h"
#include "renkei/core/file_io.h"
#include "renkei/fhirpath/expression.h"
#include "renkei/hl7v2/message.h"
#include "renkei/hl7v2/ssmix2_name.h"
#include "renkei/mapping/mapping.h"
#include "renkei/mapping/schema_check.h"
#include "renkei/mapping/transforms.h"

namespace renkei::embedded {
extern const std::string_view kMappingSchema;
}

namespace renkei::mapping {
namespace fs = std::filesystem;
using rapidjson::Value;

namespace {

/// MSH-9 ("ADT^A08") of bytes that start an HL7 v2 message; "" else. Only the MSH segment is
/// read: `bytes` may be the first piece of a file, cut anywhere after it.
std::string hl7v2MessageType(std::string_view bytes) {
  bytes = hl7v2::withoutLeadIn(bytes);
  if (bytes.substr(0, 3) != "MSH") return "";
  auto msh = hl7v2::Message::parse(bytes.substr(0, bytes.find_first_of("\r\n")));
  return msh.ok() ? msh->type() : "";
}


constexpr std::size_t kMaxMappingBytes = 4 << 20;

std::vector<TransformStep> steps(const Value& object, const char* key, const std::string& at,
                                 const std::string& file, const ConceptMapLookups& lookups,
                                 std::vector<MappingError>& errors) {
  std::vector<TransformStep> out;
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsArray()) return out;
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const std::string text = it->value[i].GetString();
    const std::size_t colon = text.find(':');
    TransformStep s{text.substr(0, colon), colon == std::string::npos ? "" : text.substr(colon + 1)};
    s.transform = findTransform(s.name);
    const std::string where = at + "/" + key + "/" + std::to_string(i);
    if (s.transform == nullptr) {
      errors.push_back({file, where, "unknown transform '" + s.name + "'"});
    } else if ((s.name == "lookup" || s.name == "lookup_or_empty" || s.name == "reverse_lookup") && lookups.find(s.arg) == nullptr) {
      errors.push_back({file, where, "no ConceptMap named '" + s.arg + "' in conceptmaps/"});
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string str(const Value& o, const char* key, const std::string& fallback = "") {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : fallback;
}

/// A member that is one string or an array of them.
std::vector<std::string> stringOrStrings(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return {};
  if (it->value.IsString()) return {it->value.GetString()};
  std::vector<std::string> out;
  if (it->value.IsArray()) {
    for (const Value& v : it->value.GetArray()) {
      if (v.IsString()) out.emplace_back(v.GetString());
    }
  }
  return out;
}

std::vector<std::string> strs(const Value& o, const char* key) {
  std::vector<std::string> out;
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray()) {
    if (v.IsString()) out.emplace_back(v.GetString());
  }
  return out;
}

void loadConceptMaps(const fs::path& folder, Mapping& m, std::vector<MappingError>& errors) {
  std::error_code ec;
  const fs::path dir = folder / "conceptmaps";
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    auto text = readFileLimited(f.string(), kMaxMappingBytes);
    const std::string name = "conceptmaps/" + f.filename().string();
    if (!text.ok()) {
      errors.push_back({name, "", text.status().message()});
      continue;
    }
    Status added = m.lookups.addFromJson(text.value(), name);
    if (!added.ok()) errors.push_back({name, "", added.message()});
  }
}

/// Resources sharing a key are variants of one resource (a discharge and its cancellation): each
/// but the last needs a `when`, and all must agree on what makes their id and where they are made.
void checkVariants(const std::vector<ResourceSpec>& resources, const std::string& file,
                   std::vector<MappingError>& errors) {
  for (std::size_t i = 0; i < resources.size(); ++i) {
    for (std::size_t j = i + 1; j < resources.size(); ++j) {
      const ResourceSpec& a = resources[i];
      const ResourceSpec& b = resources[j];
      if (a.key != b.key) continue;
      const std::string at = "/resources/" + std::to_string(j);
      if (a.when.empty() && !a.condition) {
        errors.push_back({file, "/resources/" + std::to_string(i) + "/when",
                          "key '" + a.key + "' has a later variant: this one needs a `when`"});
      }
      if (a.resourceType != b.resourceType || a.idNamespace != b.idNamespace || a.idFrom != b.idFrom ||
          a.eachSegment != b.eachSegment || a.perRow != b.perRow) {
        errors.push_back({file, at, "a variant of key '" + a.key +
                                        "' must share resourceType, id_namespace, id_from, each_segment and per_row"});
      }
      break;
    }
  }
}

}  // namespace

const FieldSpec* Mapping::field(const std::string& name) const {
  for (const FieldSpec& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::shared_ptr<const Mapping> MappingSet::loadOne(const std::string& folder,
                                                   std::vector<MappingError>& errors) {
  const std::string file = fs::path(folder).filename().string() + "/mapping.json";
  auto text = readFileLimited((fs::path(folder) / "mapping.json").string(), kMaxMappingBytes);
  if (!text.ok()) {
    errors.push_back({file, "", text.status().message()});
    return nullptr;
  }
  return fromJson(text.value(), folder, errors);
}

std::shared_ptr<const Mapping> MappingSet::fromJson(std::string_view json, const std::string& folder,
                                                    std::vector<MappingError>& errors) {
  const std::size_t before = errors.size();
  const std::string file = fs::path(folder).filename().string() + "/mapping.json";
  if (json.size() > kMaxMappingBytes) {
    errors.push_back({file, "", "larger than " + std::to_string(kMaxMappingBytes) + " bytes"});
    return nullptr;
  }
  auto m = std::make_shared<Mapping>();
  m->folder = folder;
  m->document = std::make_shared<rapidjson::Document>();
  rapidjson::Document& doc = *m->document;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    errors.push_back({file, "", std::string("not JSON at byte ") + std::to_string(doc.GetErrorOffset()) +
                                    ": " + rapidjson::GetParseError_En(doc.GetParseError())});
    return nullptr;
  }
  rapidjson::Document schemaJson;
  schemaJson.Parse(embedded::kMappingSchema.data(), embedded::kMappingSchema.size());
  if (!doc.IsObject()) {
    errors.push_back({file, "/", "a mapping is a JSON object"});
    return nullptr;
  }
  checkSections(doc, schemaJson, file, errors);
  if (errors.size() > before) return nullptr;

  m->id = str(doc, "id");
  m->version = str(doc, "version");
  m->title = str(doc, "title");
  if (!folder.empty()) loadConceptMaps(folder, *m, errors);

  const Value& layout = doc["layout"];
  m->layout.hl7v2 = str(layout, "format") == "hl7v2";
  if (!m->layout.hl7v2) {
    for (const char* key : {"encoding", "columns"}) {
      if (!layout.HasMember(key)) errors.push_back({file, "/layout", std::string("missing '") + key + "' (a csv layout)"});
    }
  }
  auto encoding = parseEncoding(str(layout, "encoding"));
  if (encoding.ok()) m->layout.dialect.encoding = encoding.value();
  m->layout.dialect.delimiter = str(layout, "delimiter", ",")[0];
  m->layout.dialect.quote = str(layout, "quote", "\"")[0];
  m->layout.header = !layout.HasMember("header") || layout["header"].GetBool();
  m->layout.columns = strs(layout, "columns");
  m->layout.quoted.assign(m->layout.columns.size(), false);
  const std::vector<std::string> quotedColumns = strs(layout, "quoted_columns");
  for (std::size_t q = 0; q < quotedColumns.size(); ++q) {
    auto it = std::find(m->layout.columns.begin(), m->layout.columns.end(), quotedColumns[q]);
    if (it == m->layout.columns.end()) {
      errors.push_back({file, "/layout/quoted_columns/" + std::to_string(q), "'" + quotedColumns[q] + "' is not one of layout.columns"});
    } else {
      m->layout.quoted[static_cast<std::size_t>(it - m->layout.columns.begin())] = true;
    }
  }
  for (std::size_t i = 0; i < m->layout.columns.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (m->layout.columns[j] == m->layout.columns[i]) {
        errors.push_back({file, "/layout/columns/" + std::to_string(i),
                          "'" + m->layout.columns[i] + "' is also column " + std::to_string(j + 1) +
                              ": columns need names of their own (e.g. 開始時間（活動）)"});
      }
    }
  }
  m->layout.versionColumn = str(layout, "version_column");
  m->layout.versions = strs(layout, "versions");
  if (!m->layout.versionColumn.empty() &&
      std::find(m->layout.columns.begin(), m->layout.columns.end(), m->layout.versionColumn) ==
          m->layout.columns.end()) {
    errors.push_back({file, "/layout/version_column", "not one of layout.columns"});
  }
  std::set<std::string> fileParts;
  if (doc.HasMember("match")) {
    const std::vector<std::string> names = strs(doc["match"], "file_names");
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto pattern = FileNamePattern::parse(names[i]);
      if (!pattern.ok()) {
        errors.push_back({file, "/match/file_names/" + std::to_string(i), pattern.status().message()});
        continue;
      }
      fileParts.insert(pattern->names().begin(), pattern->names().end());
      m->fileNames.push_back(std::move(pattern).value());
    }
    m->headerSignature = strs(doc["match"], "header_signature");
    m->messageTypes = strs(doc["match"], "message_types");
  }
  if (layout.HasMember("file_name")) {
    auto pattern = FileNamePattern::parse(str(layout, "file_name"));
    if (!pattern.ok()) {
      errors.push_back({file, "/layout/file_name", pattern.status().message()});
    } else if (pattern->hasWildcards()) {
      errors.push_back({file, "/layout/file_name", "a rendered file name cannot hold '*' or '?'"});
    } else {
      m->renderedFileName = std::move(pattern).value();
    }
  }
  if (doc.HasMember("records")) {
    m->groupBy = strs(doc["records"], "group_by");
    m->allOrNothing = doc["records"].HasMember("all_or_nothing") && doc["records"]["all_or_nothing"].GetBool();
  }

  for (const auto& f : doc["fields"].GetObject()) {
    FieldSpec spec;
    spec.name = f.name.GetString();
    const std::string at = "/fields/" + spec.name;
    spec.column = str(f.value, "column");
    spec.filePart = str(f.value, "file");
    const std::vector<std::string> paths = stringOrStrings(f.value, "path");
    for (const std::string& path : paths) spec.path += (spec.path.empty() ? "" : " or ") + path;
    spec.read = steps(f.value, "transforms", at, file, m->lookups, errors);
    spec.render = steps(f.value, "render", at, file, m->lookups, errors);
    spec.perRow = f.value.HasMember("per_row") && f.value["per_row"].GetBool();
    if (!spec.filePart.empty()) {
      if (fileParts.count(spec.filePart) == 0) {
        errors.push_back({file, at + "/file", "no pattern of match.file_names has {" + spec.filePart + "}"});
      }
    } else if (m->layout.hl7v2 != !spec.path.empty()) {
      errors.push_back({file, at, m->layout.hl7v2 ? "an hl7v2 layout reads fields by path" : "a csv layout reads fields by column"});
    } else if (m->layout.hl7v2) {
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string where = at + "/path" + (f.value["path"].IsArray() ? "/" + std::to_string(i) : "");
        auto parsed = hl7v2::FieldPath::parse(paths[i]);
        if (!parsed.ok()) {
          errors.push_back({file, where, parsed.status().message()});
        } else {
          spec.parsedPaths.push_back(std::move(parsed).value());
        }
      }
    } else if (!m->layout.hl7v2 && std::find(m->layout.columns.begin(), m->layout.columns.end(), spec.column) ==
        m->layout.columns.end()) {
      errors.push_back({file, at + "/column", "'" + spec.column + "' is not one of layout.columns"});
    }
    m->fields.push_back(std::move(spec));
  }
  for (std::size_t i = 0; i < m->groupBy.size(); ++i) {
    if (m->field(m->groupBy[i]) == nullptr) {
      errors.push_back({file, "/records/group_by/" + std::to_string(i), "'" + m->groupBy[i] + "' is not a field"});
    }
  }

  std::set<std::string> keys, used, usedByMessage, usedBySegment;
  for (const auto& r : doc["resources"].GetArray()) keys.insert(str(r, "key"));
  std::map<std::string, std::string> segmentOf;  // resource key → the segment it is made per
  for (const auto& r : doc["resources"].GetArray()) segmentOf[str(r, "key")] = str(r, "each_segment");
  Value& resources = doc["resources"];
  for (rapidjson::SizeType i = 0; i < resources.Size(); ++i) {
    Value& r = resources[i];
    const std::string at = "/resources/" + std::to_string(i);
    ResourceSpec spec;
    spec.key = str(r, "key");
    spec.idFrom = strs(r, "id_from");
    spec.when = strs(r, "when");
    spec.perRow = r.HasMember("per_row") && r["per_row"].GetBool();
    spec.eachSegment = str(r, "each_segment");
    if (!spec.eachSegment.empty() && !m->layout.hl7v2) {
      errors.push_back({file, at + "/each_segment", "only an hl7v2 layout has segments"});
    } else if (!spec.eachSegment.empty() && spec.perRow) {
      errors.push_back({file, at + "/per_row", "a resource made per segment is not also made per row"});
    }
    spec.maskedIdentity = strs(r, "masked_identity");
    spec.idNamespace = r.HasMember("id_namespace") ? r["id_namespace"].GetString() : m->id;
    std::set<std::string> conditionFields;
    if (r.HasMember("when") && r["when"].IsString()) {
      fhirpath::CompileOptions options;
      for (const FieldSpec& f : m->fields) options.variables.push_back(f.name);
      auto compiled = fhirpath::Expression::compile(r["when"].GetString(), options);
      if (!compiled.ok()) {
        errors.push_back({file, at + "/when", "FHIRPath: " + compiled.status().message()});
      } else {
        spec.condition = std::make_shared<const fhirpath::Expression>(std::move(compiled).value());
        for (const FieldSpec& f : m->fields) {
          if (spec.condition->text().find("%" + f.name) != std::string::npos) conditionFields.insert(f.name);
        }
      }
    }
    spec.resourceType = str(r["template"], "resourceType");
    for (const std::string& name : spec.idFrom) {
      if (m->field(name) == nullptr) errors.push_back({file, at + "/id_from", "'" + name + "' is not a field"});
    }
    for (const std::string& name : spec.when) {
      if (m->field(name) == nullptr) errors.push_back({file, at + "/when", "'" + name + "' is not a field"});
    }
    for (const std::string& name : spec.maskedIdentity) {
      if (m->field(name) == nullptr) errors.push_back({file, at + "/masked_identity", "'" + name + "' is not a field"});
    }
    std::set<std::string> names;
    collectPlaceholders(r["template"], names);
    for (const std::string& name : names) {
      const bool isRef = name.rfind("ref:", 0) == 0;
      if (isRef ? keys.count(name.substr(4)) == 0 : m->field(name) == nullptr) {
        errors.push_back({file, at + "/template",
                          "{" + name + "} names no " + (isRef ? "resource key" : "field")});
      } else if (isRef && !segmentOf[name.substr(4)].empty() && segmentOf[name.substr(4)] != spec.eachSegment) {
        errors.push_back({file, at + "/template", "{" + name + "} is made per " + segmentOf[name.substr(4)] +
                                                      " segment: only resources made per the same segment refer to it"});
      }
    }
    std::set<std::string>& usedHere = spec.eachSegment.empty() ? usedByMessage : usedBySegment;
    for (const auto* group : {&names, &conditionFields}) usedHere.insert(group->begin(), group->end());
    usedHere.insert(spec.idFrom.begin(), spec.idFrom.end());
    usedHere.insert(spec.when.begin(), spec.when.end());
    usedHere.insert(spec.maskedIdentity.begin(), spec.maskedIdentity.end());
    used.insert(names.begin(), names.end());
    used.insert(spec.idFrom.begin(), spec.idFrom.end());
    used.insert(spec.when.begin(), spec.when.end());
    used.insert(conditionFields.begin(), conditionFields.end());
    spec.templ.Swap(r["template"]);  // the document keeps the allocator; the Value moves here
    m->resources.push_back(std::move(spec));
  }
  for (FieldSpec& f : m->fields) {
    // A field that refuses any value guards the mapping (an injection order is not a
    // prescription): it is read to be refused, never to be used.
    const bool guard = std::any_of(f.read.begin(), f.read.end(), [](const TransformStep& s) { return s.name == "refuse"; });
    if (used.count(f.name) == 0 && !guard) {
      errors.push_back({file, "/fields/" + f.name, "no template uses this field (it would be read and lost)"});
    }
    f.perSegment = !f.path.empty() && usedBySegment.count(f.name) != 0 && usedByMessage.count(f.name) == 0;
  }
  checkVariants(m->resources, file, errors);
  if (errors.size() > before) return nullptr;
  auto index = std::make_shared<std::map<std::string, std::size_t>>();
  for (std::size_t i = 0; i < m->fields.size(); ++i) index->emplace(m->fields[i].name, i);
  m->fieldIndex = index;
  // Compiled once the resources are in place: the nodes point into each template's JSON.
  for (ResourceSpec& spec : m->resources) {
    spec.compiled = std::make_shared<const TemplateNode>(compileTemplate(spec.templ, m->fieldIndex.get()));
  }
  return m;
}

MappingSet MappingSet::load(const std::string& dir, std::vector<MappingError>& errors) {
  MappingSet set;
  std::error_code ec;
  std::vector<fs::path> folders;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && fs::exists(it->path() / "mapping.json", ec)) folders.push_back(it->path());
  }
  if (ec) errors.push_back({dir, "", "cannot list the mappings folder: " + ec.message()});
  std::sort(folders.begin(), folders.end());
  for (const fs::path& folder : folders) {
    if (auto m = loadOne(folder.string(), errors)) {
      if (set.byId(m->id) != nullptr) {
        errors.push_back({folder.filename().string() + "/mapping.json", "/id", "another mapping has id '" + m->id + "'"});
        continue;
      }
      set.mappings_.push_back(std::move(m));
    }
  }
  return set;
}

const Mapping* MappingSet::byId(const std::string& id) const {
  for (const auto& m : mappings_) {
    if (m->id == id) return m.get();
  }
  return nullptr;
}

const Mapping* MappingSet::forMessageType(std::string_view type) const {
  for (const auto& m : mappings_) {
    if (std::find(m->messageTypes.begin(), m->messageTypes.end(), type) != m->messageTypes.end()) return m.get();
  }
  return nullptr;
}

const Mapping* MappingSet::pick(const std::string& fileName, std::string_view bytes) const {
  for (const auto& m : mappings_) {
    for (const FileNamePattern& pattern : m->fileNames) {
      if (pattern.match(fileName)) return m.get();
    }
  }
  // An SS-MIX2 file says its data type in its name: one that no mapping takes (OMP-02, injections,
  // is RDE^O11 like OMP-01, prescriptions) must not be taken by its message type instead.
  if (hl7v2::ssmix2NameParts(fileName)) return nullptr;
  if (const std::string type = hl7v2MessageType(bytes); !type.empty()) return forMessageType(type);
  for (const auto& m : mappings_) {
    if (m->headerSignature.empty()) continue;
    CsvReader reader(m->layout.dialect);
    std::vector<CsvRow> rows;
    const std::size_t firstLine = std::min<std::size_t>(bytes.size(), 64 * 1024);
    if (!reader.feed(bytes.substr(0, firstLine), rows).ok() || rows.empty()) continue;
    const std::vector<std::string>& header = rows.front().fields;
    const bool all = std::all_of(m->headerSignature.begin(), m->headerSignature.end(), [&](const std::string& c) {
      return std::find(header.begin(), header.end(), c) != header.end();
    });
    if (all) return m.get();
  }
  return nullptr;
}

std::string defaultMappingsDir() {
  if (const char* env = std::getenv("RENKEI_MAPPINGS_DIR"); env != nullptr && *env != '\0') return env;
  return RENKEI_DEFAULT_MAPPINGS_DIR;
}

}  // namespace renkei::mapping

// Loading form folders: form.json checked against the embedded schema, then what a schema cannot
// say — boxes inside the page, field names unique, checkbox options, validators that exist and
// name a ConceptMap of the form's mapping, every field a column of that mapping.
#include "renkei/forms/form_template.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <rapidjson/error/en.h>

#include "renkei/core/file_io.h"
#include "renkei/core/regex.h"
#include "renkei/forms/field_validators.h"
#include "renkei/mapping/schema_check.h"

namespace renkei::embedded {
extern const std::string_view kFormSchema;
}

namespace renkei::forms {
namespace fs = std::filesystem;
using mapping::MappingError;
using rapidjson::Value;

namespace {

constexpr std::size_t kMaxFormBytes = 2 << 20;

Box boxOf(const Value& v) {
  return Box{v[0].GetDouble(), v[1].GetDouble(), v[2].GetDouble(), v[3].GetDouble()};
}

std::string str(const Value& o, const char* key) {
  auto it = o.FindMember(key);
  return it != o.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}


struct Checker {
  const FormTemplate& form;
  const std::string& file;
  std::vector<MappingError>& errors;

  void inside(const Box& b, const std::string& at) {
    if (b.w <= 0 || b.h <= 0 || b.x + b.w > form.width || b.y + b.h > form.height) {
      errors.push_back({file, at, "the box is empty or leaves the page"});
    }
  }
};

FieldTemplate fieldOf(const Value& v, const std::string& at, Checker& check) {
  FieldTemplate f;
  f.name = str(v, "name");
  f.label = str(v, "label");
  f.type = fieldTypeNamed(str(v, "type")).value_or(FieldType::Text);
  if (auto it = v.FindMember("box"); it != v.MemberEnd()) {
    f.box = boxOf(it->value);
    check.inside(f.box, at + "/box");
  } else if (f.type != FieldType::Checkbox) {
    check.errors.push_back({check.file, at, "a " + std::string(fieldTypeName(f.type)) + " field needs a box"});
  }
  if (auto it = v.FindMember("label_box"); it != v.MemberEnd()) {
    f.labelBox = boxOf(it->value);
    check.inside(*f.labelBox, at + "/label_box");
  }
  if (auto it = v.FindMember("confidence"); it != v.MemberEnd()) f.confidence = it->value.GetDouble();
  f.exactlyOne = str(v, "rule") != "any";
  if (auto it = v.FindMember("validators"); it != v.MemberEnd()) {
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      f.validators.emplace_back(it->value[i].GetString());
      const Status known = checkValidatorSpec(f.validators.back(), check.form.mapping.get());
      if (!known.ok()) check.errors.push_back({check.file, at + "/validators/" + std::to_string(i), known.message()});
    }
  }
  if (auto it = v.FindMember("options"); it != v.MemberEnd()) {
    for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
      const Value& o = it->value[i];
      CheckOption option{str(o, "value"), str(o, "label"), boxOf(o["box"])};
      if (option.label.empty()) option.label = option.value;
      check.inside(option.box, at + "/options/" + std::to_string(i) + "/box");
      f.options.push_back(std::move(option));
    }
  }
  if ((f.type == FieldType::Checkbox) != !f.options.empty()) {
    check.errors.push_back({check.file, at, "options belong to checkbox fields, and every checkbox field has them"});
  }
  if (auto it = v.FindMember("samples"); it != v.MemberEnd()) {
    for (const auto& s : it->value.GetArray()) f.samples.emplace_back(s.GetString());
  }
  return f;
}

}  // namespace

const char* fieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::Text: return "text";
    case FieldType::Kana: return "kana";
    case FieldType::Digits: return "digits";
    case FieldType::Phone: return "phone";
    case FieldType::WarekiDate: return "wareki_date";
    case FieldType::Date: return "date";
    case FieldType::Checkbox: return "checkbox";
    case FieldType::FreeText: return "free_text";
    case FieldType::Handwriting: return "handwriting";
  }
  return "text";
}

std::optional<FieldType> fieldTypeNamed(const std::string& name) {
  for (FieldType t : {FieldType::Text, FieldType::Kana, FieldType::Digits, FieldType::Phone, FieldType::WarekiDate,
                      FieldType::Date, FieldType::Checkbox, FieldType::FreeText, FieldType::Handwriting}) {
    if (name == fieldTypeName(t)) return t;
  }
  return std::nullopt;
}

const FieldTemplate* FormTemplate::field(const std::string& name) const {
  for (const FieldTemplate& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string formIdOfCode(const std::string& code) {
  constexpr std::string_view kPrefix = "renkei-form:";
  return code.rfind(kPrefix, 0) == 0 ? code.substr(kPrefix.size()) : "";
}

std::shared_ptr<const FormTemplate> FormSet::loadOne(const std::string& folder, std::vector<MappingError>& errors) {
  const std::size_t before = errors.size();
  const std::string file = fs::path(folder).filename().string() + "/form.json";
  auto text = readFileLimited((fs::path(folder) / "form.json").string(), kMaxFormBytes);
  if (!text.ok()) {
    errors.push_back({file, "", text.status().message()});
    return nullptr;
  }
  rapidjson::Document doc;
  doc.Parse(text->data(), text->size());
  if (doc.HasParseError() || !doc.IsObject()) {
    errors.push_back({file, "", std::string("not a JSON object (byte ") + std::to_string(doc.GetErrorOffset()) + ": " +
                                    rapidjson::GetParseError_En(doc.GetParseError()) + ")"});
    return nullptr;
  }
  rapidjson::Document schema;
  schema.Parse(embedded::kFormSchema.data(), embedded::kFormSchema.size());
  mapping::checkSections(doc, schema, file, errors);
  if (errors.size() > before) return nullptr;

  auto form = std::make_shared<FormTemplate>();
  form->folder = folder;
  form->mapping = mapping::MappingSet::loadOne(folder, errors);
  if (form->mapping == nullptr) return nullptr;
  form->id = str(doc, "id");
  form->version = str(doc, "version");
  form->title = str(doc, "title");
  form->description = str(doc, "description");
  form->provenance = str(doc, "provenance");
  form->width = doc["page"]["width"].GetInt();
  form->height = doc["page"]["height"].GetInt();
  form->dpi = doc["page"]["dpi"].GetInt();
  if (auto it = doc.FindMember("accept_confidence"); it != doc.MemberEnd()) form->acceptConfidence = it->value.GetDouble();
  Checker check{*form, file, errors};
  form->markSize = doc["marks"]["size"].GetDouble();
  for (const auto& corner : doc["marks"]["corners"].GetObject()) {
    form->marks.push_back({corner.name.GetString(), corner.value[0].GetDouble(), corner.value[1].GetDouble()});
    const double half = form->markSize / 2;
    check.inside({form->marks.back().x - half, form->marks.back().y - half, form->markSize, form->markSize},
                 "/marks/corners/" + form->marks.back().corner);
  }
  const Value& identify = doc["identify"];
  form->titleBox = boxOf(identify["title_box"]);
  check.inside(form->titleBox, "/identify/title_box");
  if (auto it = identify.FindMember("qr_box"); it != identify.MemberEnd()) {
    form->qrBox = boxOf(it->value);
    check.inside(*form->qrBox, "/identify/qr_box");
  }
  std::set<std::string> names;
  const Value& fields = doc["fields"];
  for (rapidjson::SizeType i = 0; i < fields.Size(); ++i) {
    const std::string at = "/fields/" + std::to_string(i);
    form->fields.push_back(fieldOf(fields[i], at, check));
    const std::string& name = form->fields.back().name;
    if (!names.insert(name).second) errors.push_back({file, at + "/name", "another field is named '" + name + "'"});
    const auto& columns = form->mapping->layout.columns;
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      errors.push_back({file, at + "/name", "mapping.json's layout has no column '" + name + "'"});
    }
  }
  if (auto it = doc.FindMember("texts"); it != doc.MemberEnd()) {
    for (const auto& t : it->value.GetArray()) {
      PrintedText p{str(t, "text"), t["at"][0].GetDouble(), t["at"][1].GetDouble(), 10, false};
      if (auto s = t.FindMember("size"); s != t.MemberEnd()) p.size = s->value.GetDouble();
      if (auto b = t.FindMember("bold"); b != t.MemberEnd()) p.bold = b->value.GetBool();
      form->texts.push_back(std::move(p));
    }
  }
  if (errors.size() > before) return nullptr;
  return form;
}

FormSet FormSet::load(const std::vector<std::string>& dirs, std::vector<MappingError>& errors) {
  FormSet set;
  for (const std::string& dir : dirs) {
    std::vector<fs::path> folders;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec) && fs::exists(it->path() / "form.json", ec)) folders.push_back(it->path());
    }
    if (ec) errors.push_back({dir, "", "the forms folder cannot be read: " + ec.message()});
    std::sort(folders.begin(), folders.end());
    for (const fs::path& folder : folders) {
      auto form = loadOne(folder.string(), errors);
      if (form == nullptr) continue;
      if (set.byId(form->id) != nullptr) {
        errors.push_back({folder.filename().string() + "/form.json", "/id", "another form has id '" + form->id + "'"});
        continue;
      }
      set.forms_.push_back(std::move(form));
    }
  }
  return set;
}

const FormTemplate* FormSet::byId(const std::string& id) const {
  for (const auto& f : forms_) {
    if (f->id == id) return f.get();
  }
  return nullptr;
}

std::string defaultFormsDir() {
  if (const char* env = std::getenv("RENKEI_FORMS_DIR"); env != nullptr && *env != '\0') return env;
  return RENKEI_DEFAULT_FORMS_DIR;
}

}  // namespace renkei::forms

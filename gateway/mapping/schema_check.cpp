// JSON Schema checks of data files through RapidJSON's validator (see schema_check.h).
#include "renkei/mapping/schema_check.h"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

namespace renkei::mapping {

namespace {

void checkAgainstSchema(const rapidjson::Value& value, const rapidjson::Value& schemaJson, const std::string& at,
                        const std::string& file, std::vector<MappingError>& errors) {
  rapidjson::SchemaDocument schema(schemaJson);
  rapidjson::SchemaValidator validator(schema);
  if (value.Accept(validator)) return;
  rapidjson::StringBuffer pointer;
  validator.GetInvalidDocumentPointer().Stringify(pointer);
  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const std::string where = at + pointer.GetString();
  errors.push_back({file, where.empty() ? "/" : where,
                    keyword == "additionalProperties" ? "unknown key" : "violates '" + keyword + "'"});
}

}  // namespace

void checkSections(const rapidjson::Value& doc, const rapidjson::Value& schemaJson, const std::string& file,
                   std::vector<MappingError>& errors) {
  const rapidjson::Value& properties = schemaJson["properties"];
  for (const auto& member : doc.GetObject()) {
    const std::string at = std::string("/") + member.name.GetString();
    auto rule = properties.FindMember(member.name);
    if (rule == properties.MemberEnd()) {
      errors.push_back({file, at, "unknown key"});
      continue;
    }
    checkAgainstSchema(member.value, rule->value, at, file, errors);
  }
  for (const auto& required : schemaJson["required"].GetArray()) {
    if (!doc.HasMember(required)) {
      errors.push_back({file, "/", std::string("missing '") + required.GetString() + "'"});
    }
  }
}

}  // namespace renkei::mapping

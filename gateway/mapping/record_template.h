// JSON templates with placeholders, both ways. Building: "{field}" (a string), "{field:number}",
// "{field:boolean}", "{ref:key}" (another resource's fullUrl) and text around placeholders
// ("{family} {given}"); what is left without any value is dropped (a leaf, then an object or
// array element whose placeholders all were empty). An array element that uses a per-row field
// is built once per row of the record. Matching: the same template read against a resource
// finds the values back — constants must be equal, array elements are found by their
// constants, and text around placeholders splits a string.
#pragma once

#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/fhir/document.h"

namespace renkei::mapping {

/// A piece of a template string: literal text or a placeholder ("{name}" / "{name:number}").
struct Segment {
  bool placeholder = false;
  std::string text;  ///< literal text, or the placeholder's name
  std::string type;  ///< "", "number" or "boolean"
  int field = -1;    ///< the placeholder's field position when compiled against a mapping's fields
};

struct TemplateMember;

/// A template parsed once when its mapping loads — every string's segments, every subtree's
/// placeholder names — so that building a record's resources parses nothing again. It points
/// into the template's JSON (names, constants), which must outlive it.
struct TemplateNode {
  enum class Kind { Constant, Text, Object, Array };
  Kind kind = Kind::Constant;
  const rapidjson::Value* value = nullptr;  ///< the template value (constants are copied from it)
  std::vector<Segment> segments;            ///< Text
  std::vector<TemplateMember> members;      ///< Object
  std::vector<TemplateNode> elements;       ///< Array
  std::vector<std::string> names;           ///< the placeholders of this subtree, sorted, once each
  std::vector<std::size_t> fieldIds;        ///< those that are fields, by position
  std::vector<std::string> otherNames;      ///< the others ("ref:key", or names without a position)
};

/// An Object template's member: its name (in the template's JSON) and its value.
struct TemplateMember {
  const rapidjson::Value* name = nullptr;
  TemplateNode value;
};

/// With `fieldIndex` (a mapping's field positions) placeholders are resolved to positions once.
TemplateNode compileTemplate(const rapidjson::Value& templ,
                             const std::map<std::string, std::size_t>* fieldIndex = nullptr);

/// The field names (and "ref:key" names) a template refers to.
void collectPlaceholders(const rapidjson::Value& templ, std::set<std::string>& names);

/// One record's values: per row, each field's value by its position in the mapping's fields.
struct RecordValues {
  /// Field name → position (shared with the mapping).
  std::shared_ptr<const std::map<std::string, std::size_t>> fields;
  std::vector<std::vector<std::string>> rows;
  std::vector<char> perRowField;       ///< by position: the field varies per row
  std::set<std::string> perRowRefs;    ///< "ref:key" of resources made once per row
  /// ref key → fullUrl: one for a resource of the record, one per row for a per-row resource
  /// ("" for a row that made none).
  std::map<std::string, std::vector<std::string>> refs;

  /// A field's value at `row` (the first row for fields that do not vary).
  const std::string& value(std::size_t field, std::size_t row) const;
  const std::string& value(const std::string& name, std::size_t row) const;
  /// Whether a field or "ref:key" varies per row.
  bool perRow(const std::string& name) const;
  /// The fullUrl `{ref:key}` stands for at `row`.
  std::string ref(const std::string& key, std::size_t row) const;

  /// Values given by name (tests, and callers without a mapping).
  static RecordValues fromMaps(const std::vector<std::map<std::string, std::string>>& rows,
                               const std::set<std::string>& perRow = {});
};

/// The built value, or a null Value when nothing was left. With `row` set (a per-row resource)
/// every placeholder takes that row's value and no array element is repeated per row;
/// otherwise an array element that uses a per-row field or reference is made once per row,
/// identical results once.
rapidjson::Value buildFromTemplate(const TemplateNode& templ, const RecordValues& values,
                                   rapidjson::Document::AllocatorType& allocator,
                                   std::optional<std::size_t> row = std::nullopt);

/// Bindings found by matching ("ref:key" binds the fullUrl a reference holds): the fields that occur once, and one map per instance of the
/// per-row array elements.
struct Bindings {
  std::map<std::string, std::string> once;
  std::vector<std::map<std::string, std::string>> perRow;
  int constants = 0;  ///< constants of the template found equal in the data (how well it fits)
};

/// Built JSON as text: a decimal placeholder's value ("{x:number}" with 11.40) is written as the
/// number exactly as read, since FHIR decimals keep their precision.
std::string writeJson(const rapidjson::Value& built);
/// The same value as a FHIR tree (fhir::JsonTreeSink), decimals as exactly as writeJson writes them.
fhir::ReadResult readTree(const rapidjson::Value& built);

/// How many constants (other than resourceType) a template has: the more, the more specific.
int constantCount(const rapidjson::Value& templ);

/// Whether `data` fits the template's constants; fills `out` with the values it carries.
bool matchTemplate(const rapidjson::Value& templ, const rapidjson::Value& data,
                   const std::set<std::string>& perRowFields, Bindings& out);

}  // namespace renkei::mapping

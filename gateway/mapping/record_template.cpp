// Placeholder templates: building resources from a record's values and matching resources back
// to values (see record_template.h for the rules).
#include "record_template.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <regex>
#include <string_view>
#include <unordered_map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::mapping {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

/// "a{x}b{y:number}" → literal a, {x}, literal b, {y} typed number.
std::vector<Segment> segments(std::string_view s) {
  std::vector<Segment> out;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t open = s.find('{', at);
    const std::size_t close = open == std::string_view::npos ? open : s.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) {
      out.push_back({false, std::string(s.substr(at)), ""});
      break;
    }
    if (open > at) out.push_back({false, std::string(s.substr(at, open - at)), ""});
    std::string name(s.substr(open + 1, close - open - 1));
    std::string type;
    const std::size_t colon = name.rfind(':');
    if (name.rfind("ref:", 0) != 0 && colon != std::string::npos) {
      type = name.substr(colon + 1);
      name = name.substr(0, colon);
    }
    out.push_back({true, name, type});
    at = close + 1;
  }
  return out;
}

bool hasPlaceholder(const std::vector<Segment>& segs) {
  for (const Segment& s : segs) {
    if (s.placeholder) return true;
  }
  return false;
}

/// Whether a template subtree holds a constant (a string without placeholders, a number…).
bool hasConstant(const Value& t) {
  if (t.IsString()) return !hasPlaceholder(segments({t.GetString(), t.GetStringLength()}));
  if (t.IsObject()) {
    for (const auto& m : t.GetObject()) {
      if (hasConstant(m.value)) return true;
    }
    return false;
  }
  if (t.IsArray()) {
    for (const auto& e : t.GetArray()) {
      if (hasConstant(e)) return true;
    }
    return false;
  }
  return !t.IsNull();
}

std::set<std::string> namesOf(const Value& t) {
  std::set<std::string> names;
  collectPlaceholders(t, names);
  return names;
}

bool usesAny(const Value& t, const std::set<std::string>& fields) {
  const std::set<std::string> names = namesOf(t);
  for (const std::string& n : names) {
    if (fields.count(n) != 0) return true;
  }
  return false;
}

std::string trimSpaces(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string scalarText(const Value& v) {
  if (v.IsString()) return {v.GetString(), v.GetStringLength()};
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) {
    rapidjson::StringBuffer sb;
    renkei::fhir::RunCopyingWriter w(sb);
    v.Accept(w);
    return sb.GetString();
  }
  return "";
}

/// What marks a string built for a decimal placeholder, written as a JSON number by writeJson.
constexpr std::string_view kDecimalMark = "\x1f" "decimal:";

/// A decimal as JSON writes it ("011.40" → "11.40"), or "" when `v` is not one.
std::string decimalText(const std::string& v) {
  static const std::regex kDecimal("(-?)0*([0-9]+)(\\.[0-9]+)?");
  std::smatch m;
  if (!std::regex_match(v, m, kDecimal)) return "";
  return m[1].str() + m[2].str() + m[3].str();
}

/// The number a decimal placeholder's string stands for, or nullopt when it is an ordinary string.
std::optional<std::string_view> markedDecimal(const char* s, rapidjson::SizeType n) {
  std::string_view text(s, n);
  if (text.substr(0, kDecimalMark.size()) != kDecimalMark) return std::nullopt;
  text.remove_prefix(kDecimalMark.size());
  if (text.empty() || decimalText(std::string(text)) != text) return std::nullopt;
  return text;
}

/// A JSON writer that writes decimal placeholders' text as numbers, exactly as read.
class DecimalWriter : public fhir::RunCopyingWriter {
 public:
  using fhir::RunCopyingWriter::RunCopyingWriter;
  bool String(const char* s, rapidjson::SizeType n, bool copy = false) {
    if (auto number = markedDecimal(s, n)) return RawValue(number->data(), number->size(), rapidjson::kNumberType);
    return fhir::RunCopyingWriter::String(s, n, copy);
  }
};

/// The tree builder with decimal placeholders' text given as numbers, exactly as read.
class DecimalTreeSink : public fhir::JsonTreeSink {
 public:
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (auto number = markedDecimal(s, n)) {
      return RawNumber(number->data(), static_cast<rapidjson::SizeType>(number->size()), true);
    }
    return fhir::JsonTreeSink::String(s, n, copy);
  }
};

Value buildString(const std::vector<Segment>& segs, const RecordValues& values, std::size_t row,
                  Allocator& a) {
  if (segs.size() == 1 && segs[0].placeholder && !segs[0].type.empty()) {
    const std::string& v = segs[0].field >= 0 ? values.value(static_cast<std::size_t>(segs[0].field), row)
                                              : values.value(segs[0].text, row);
    if (v.empty()) return Value();
    if (segs[0].type == "boolean") return Value(v == "true" || v == "1");
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(v.c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && errno == 0) return Value(static_cast<int64_t>(i));
    const std::string decimal = decimalText(v);
    if (!decimal.empty()) {
      // Kept as written (FHIR decimals keep their precision: 11.40 is not 11.4); see writeJson.
      const std::string marked = std::string(kDecimalMark) + decimal;
      return Value(marked.c_str(), static_cast<rapidjson::SizeType>(marked.size()), a);
    }
    return Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), a);  // not a number: the validator says so
  }
  if (segs.size() == 1 && segs[0].placeholder && segs[0].field >= 0) {  // the value alone, without its spaces
    std::string_view v = values.value(static_cast<std::size_t>(segs[0].field), row);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.empty()) return Value();
    return Value(v.data(), static_cast<rapidjson::SizeType>(v.size()), a);
  }
  // Text around placeholders joins values: a literal is written when it has a value on each side
  // (the text before the first placeholder and after the last one count the end as a value), so
  // "{date}T{time}+09:00" without a time is the date alone and "{family} {given}" one name.
  std::vector<std::string> filled(segs.size());
  std::size_t firstPlaceholder = segs.size(), lastPlaceholder = 0, firstValue = segs.size(), lastValue = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (!segs[i].placeholder) continue;
    const Segment& s = segs[i];
    if (s.field >= 0) {
      filled[i] = values.value(static_cast<std::size_t>(s.field), row);
    } else {
      filled[i] = s.text.rfind("ref:", 0) == 0 ? values.ref(s.text.substr(4), row) : values.value(s.text, row);
    }
    firstPlaceholder = std::min(firstPlaceholder, i);
    lastPlaceholder = i;
    if (filled[i].empty()) continue;
    firstValue = std::min(firstValue, i);
    lastValue = i;
  }
  if (firstValue == segs.size()) return Value();
  auto keep = [&](std::size_t i) {
    if (i < firstPlaceholder) return true;                          // a prefix
    if (i > lastPlaceholder) return lastValue == lastPlaceholder;   // a suffix, after a value
    return firstValue < i && i < lastValue;                         // between two values
  };
  std::string out;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (segs[i].placeholder) {
      out += filled[i];
    } else if (keep(i)) {
      out += segs[i].text;
    }
  }
  out = trimSpaces(out);
  return Value(out.c_str(), static_cast<rapidjson::SizeType>(out.size()), a);
}

/// A hash of a built value, equal for equal values (objects by their members in order: built
/// values of one template keep its order).
std::size_t hashOf(const Value& v) {
  std::size_t h = static_cast<std::size_t>(v.GetType()) * 1000003u;
  auto mix = [&](std::size_t x) { h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  if (v.IsString()) {
    mix(std::hash<std::string_view>()({v.GetString(), v.GetStringLength()}));
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      mix(std::hash<std::string_view>()({m.name.GetString(), m.name.GetStringLength()}));
      mix(hashOf(m.value));
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) mix(hashOf(e));
  } else if (v.IsNumber()) {
    mix(std::hash<double>()(v.GetDouble()));
  } else if (v.IsBool()) {
    mix(v.GetBool() ? 1 : 2);
  }
  return h;
}

/// Whether a subtree uses something that varies per row of the record.
bool usesPerRow(const TemplateNode& t, const RecordValues& values) {
  for (std::size_t id : t.fieldIds) {
    if (id < values.perRowField.size() && values.perRowField[id] != 0) return true;
  }
  for (const std::string& n : t.otherNames) {
    if (values.perRow(n)) return true;
  }
  return false;
}

/// A template's constant in a built value: its strings are referred to, not copied (a compiled
/// template outlives what is built from it).
Value constantOf(const Value& v, Allocator& a) {
  if (v.IsString()) return Value(rapidjson::StringRef(v.GetString(), v.GetStringLength()));
  if (v.IsObject()) {
    Value out(rapidjson::kObjectType);
    for (const auto& m : v.GetObject()) {
      out.AddMember(Value(rapidjson::StringRef(m.name.GetString(), m.name.GetStringLength())), constantOf(m.value, a), a);
    }
    return out;
  }
  if (v.IsArray()) {
    Value out(rapidjson::kArrayType);
    for (const auto& e : v.GetArray()) out.PushBack(constantOf(e, a), a);
    return out;
  }
  return Value(v, a);
}

Value build(const TemplateNode& t, const RecordValues& values, std::size_t row, bool expand, Allocator& a) {
  switch (t.kind) {
    case TemplateNode::Kind::Constant:
      return constantOf(*t.value, a);
    case TemplateNode::Kind::Text:
      return buildString(t.segments, values, row, a);
    case TemplateNode::Kind::Object: {
      Value out(rapidjson::kObjectType);
      bool placeholders = false, filled = false;
      for (const auto& [name, member] : t.members) {
        Value built = build(member, values, row, expand, a);
        placeholders = placeholders || !member.names.empty();
        if (built.IsNull()) continue;
        filled = filled || !member.names.empty();
        out.AddMember(Value(rapidjson::StringRef(name->GetString(), name->GetStringLength())), built, a);
      }
      if ((placeholders && !filled) || out.MemberCount() == 0) return Value();
      return out;
    }
    case TemplateNode::Kind::Array: {
      Value out(rapidjson::kArrayType);
      for (const TemplateNode& e : t.elements) {
        const bool each = expand && values.rows.size() > 1 && usesPerRow(e, values);
        const std::size_t first = each ? 0 : row;
        const std::size_t last = each ? values.rows.size() : row + 1;
        std::unordered_multimap<std::size_t, rapidjson::SizeType> seen;  // identical row elements once
        for (std::size_t r = first; r < last; ++r) {
          Value built = build(e, values, r, expand && !each, a);  // inside a row element: that row
          if (built.IsNull()) continue;
          if (each) {
            const std::size_t h = hashOf(built);
            auto [from, to] = seen.equal_range(h);
            if (std::any_of(from, to, [&](const auto& s) { return out[s.second] == built; })) continue;
            seen.emplace(h, out.Size());
          }
          out.PushBack(built, a);
        }
      }
      if (out.Empty()) return Value();
      return out;
    }
  }
  return Value();
}

/// Splits `text` along the literals of a pattern into its placeholders' values.
bool matchString(const std::vector<Segment>& segs, const std::string& text,
                 std::map<std::string, std::string>& out) {
  if (!hasPlaceholder(segs)) return segs.empty() ? text.empty() : segs[0].text == text;
  std::size_t at = 0;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (!s.placeholder) {
      if (text.compare(at, s.text.size(), s.text) != 0) {
        // A literal that is not there: the parts after it were empty when it was built.
        return i != 0;
      }
      at += s.text.size();
      continue;
    }
    std::size_t end = text.size();
    if (i + 1 < segs.size() && !segs[i + 1].placeholder) {
      const std::size_t next = text.find(segs[i + 1].text, at);
      if (next != std::string::npos) end = next;
    }
    out[s.text] = text.substr(at, end - at);
    at = end;
  }
  return true;
}

bool match(const Value& t, const Value& d, const std::set<std::string>& perRow, Bindings& out,
           bool strict);

/// Array elements are matched strictly; a constrained template element missing from the data
/// fails a strict array (inside an element) and leaves its fields empty in a lenient one (a
/// resource's own lists).
bool matchArray(const Value& t, const Value& d, const std::set<std::string>& perRow,
                Bindings& out, bool strict) {
  if (!d.IsArray()) return false;
  std::vector<bool> used(d.Size(), false);
  for (const auto& te : t.GetArray()) {
    const bool each = usesAny(te, perRow);
    bool found = false;
    for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
      if (used[i]) continue;
      Bindings b;
      if (!match(te, d[i], perRow, b, true)) continue;
      used[i] = true;
      found = true;
      out.constants += b.constants;
      if (each) {
        // Inside one row's element, per-row parts (its goal reference) belong to that row.
        std::map<std::string, std::string> instance = b.once;
        for (const auto& inner : b.perRow) instance.insert(inner.begin(), inner.end());
        out.perRow.push_back(std::move(instance));
      } else {
        out.once.insert(b.once.begin(), b.once.end());
        out.perRow.insert(out.perRow.end(), b.perRow.begin(), b.perRow.end());
        break;
      }
    }
    // A constant-only element is always built: without it the data is another resource. One
    // with placeholders is left out when they had no values, so its absence is no mismatch.
    if (!found && !each && hasConstant(te) && namesOf(te).empty()) return false;
  }
  return true;
}

bool match(const Value& t, const Value& d, const std::set<std::string>& perRow, Bindings& out,
           bool strict) {
  if (t.IsString()) {
    const auto segs = segments({t.GetString(), t.GetStringLength()});
    if (d.IsObject() || d.IsArray()) return false;
    if (!matchString(segs, scalarText(d), out.once)) return false;
    if (!hasPlaceholder(segs)) ++out.constants;
    return true;
  }
  if (t.IsObject()) {
    if (!d.IsObject()) return false;
    for (const auto& m : t.GetObject()) {
      // A resource's meta (profiles, tags) says how it was made, not what it says: another
      // sender's resource with other profiles renders the same.
      if (!strict && std::string_view(m.name.GetString()) == "meta") continue;
      auto dm = d.FindMember(m.name);
      if (dm == d.MemberEnd()) {
        // Absent is fine when it would have been left out for want of values; a member that is
        // only constants (a type, a role's code) is always built and classifies the resource, so
        // the data without it is another kind of resource.
        if (hasConstant(m.value) && namesOf(m.value).empty() && (strict || m.value.IsArray())) return false;
        continue;
      }
      Bindings b;
      // A resource's own lists are lenient; everything inside an element is strict.
      const bool ok = m.value.IsArray() ? matchArray(m.value, dm->value, perRow, b, strict)
                                        : match(m.value, dm->value, perRow, b, true);
      // A member that is there but does not fit: inside an element, a constant member (another
      // status) or a list without one of its constant elements (another type, another role's
      // code) means another resource; text with placeholders it does not split (another sheet's
      // title) just gives no values.
      if (!ok) {
        if (strict || m.value.IsArray() || namesOf(m.value).empty()) return false;
        continue;
      }
      out.once.insert(b.once.begin(), b.once.end());
      out.perRow.insert(out.perRow.end(), b.perRow.begin(), b.perRow.end());
      out.constants += b.constants;
    }
    return true;
  }
  if (t.IsArray()) return matchArray(t, d, perRow, out, true);
  if (scalarText(t) != scalarText(d)) return false;
  ++out.constants;
  return true;
}

}  // namespace

const std::string& RecordValues::value(std::size_t field, std::size_t row) const {
  static const std::string kNone;
  if (rows.empty()) return kNone;
  const bool varies = field < perRowField.size() && perRowField[field] != 0;
  const auto& r = rows[varies && row < rows.size() ? row : 0];
  return field < r.size() ? r[field] : kNone;
}

const std::string& RecordValues::value(const std::string& name, std::size_t row) const {
  static const std::string kNone;
  if (!fields) return kNone;
  auto it = fields->find(name);
  return it == fields->end() ? kNone : value(it->second, row);
}

bool RecordValues::perRow(const std::string& name) const {
  if (perRowRefs.count(name) != 0) return true;
  if (!fields) return false;
  auto it = fields->find(name);
  return it != fields->end() && it->second < perRowField.size() && perRowField[it->second] != 0;
}

RecordValues RecordValues::fromMaps(const std::vector<std::map<std::string, std::string>>& rows,
                                    const std::set<std::string>& perRow) {
  auto index = std::make_shared<std::map<std::string, std::size_t>>();
  for (const auto& row : rows) {
    for (const auto& [name, value] : row) index->emplace(name, index->size());
  }
  RecordValues out;
  out.fields = index;
  out.perRowField.assign(index->size(), 0);
  for (const std::string& name : perRow) {
    auto it = index->find(name);
    if (it != index->end()) {
      out.perRowField[it->second] = 1;
    } else {
      out.perRowRefs.insert(name);
    }
  }
  for (const auto& row : rows) {
    std::vector<std::string> values(index->size());
    for (const auto& [name, value] : row) values[index->at(name)] = value;
    out.rows.push_back(std::move(values));
  }
  return out;
}

std::string RecordValues::ref(const std::string& key, std::size_t row) const {
  auto it = refs.find(key);
  if (it == refs.end() || it->second.empty()) return "";
  return it->second.size() == 1 ? it->second[0] : row < it->second.size() ? it->second[row] : "";
}

int constantCount(const Value& t) {
  if (t.IsString()) return hasPlaceholder(segments({t.GetString(), t.GetStringLength()})) ? 0 : 1;
  int n = 0;
  if (t.IsObject()) {
    for (const auto& m : t.GetObject()) {
      if (std::string_view(m.name.GetString()) != "resourceType") n += constantCount(m.value);
    }
  } else if (t.IsArray()) {
    for (const auto& e : t.GetArray()) n += constantCount(e);
  } else if (!t.IsNull()) {
    n = 1;
  }
  return n;
}

void collectPlaceholders(const Value& t, std::set<std::string>& names) {
  if (t.IsString()) {
    for (const Segment& s : segments({t.GetString(), t.GetStringLength()})) {
      if (s.placeholder) names.insert(s.text);
    }
  } else if (t.IsObject()) {
    for (const auto& m : t.GetObject()) collectPlaceholders(m.value, names);
  } else if (t.IsArray()) {
    for (const auto& e : t.GetArray()) collectPlaceholders(e, names);
  }
}

TemplateNode compileTemplate(const Value& t, const std::map<std::string, std::size_t>* fieldIndex) {
  TemplateNode node;
  node.value = &t;
  std::set<std::string> names;
  if (t.IsString()) {
    node.segments = segments({t.GetString(), t.GetStringLength()});
    for (Segment& s : node.segments) {
      if (!s.placeholder || fieldIndex == nullptr) continue;
      auto it = fieldIndex->find(s.text);
      if (it != fieldIndex->end()) s.field = static_cast<int>(it->second);
    }
    if (hasPlaceholder(node.segments)) node.kind = TemplateNode::Kind::Text;
    for (const Segment& s : node.segments) {
      if (s.placeholder) names.insert(s.text);
    }
  } else if (t.IsObject()) {
    node.kind = TemplateNode::Kind::Object;
    for (const auto& m : t.GetObject()) {
      node.members.push_back({&m.name, compileTemplate(m.value, fieldIndex)});
      names.insert(node.members.back().value.names.begin(), node.members.back().value.names.end());
    }
  } else if (t.IsArray()) {
    node.kind = TemplateNode::Kind::Array;
    for (const auto& e : t.GetArray()) {
      node.elements.push_back(compileTemplate(e, fieldIndex));
      names.insert(node.elements.back().names.begin(), node.elements.back().names.end());
    }
  }
  node.names.assign(names.begin(), names.end());
  for (const std::string& name : node.names) {
    if (fieldIndex != nullptr && fieldIndex->count(name) != 0) {
      node.fieldIds.push_back(fieldIndex->at(name));
    } else {
      node.otherNames.push_back(name);
    }
  }
  return node;
}

Value buildFromTemplate(const TemplateNode& templ, const RecordValues& values, Allocator& allocator,
                        std::optional<std::size_t> row) {
  return build(templ, values, row.value_or(0), !row.has_value(), allocator);
}

std::string writeJson(const Value& built) {
  rapidjson::StringBuffer sb;
  DecimalWriter w(sb);
  built.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

fhir::ReadResult readTree(const Value& built) {
  DecimalTreeSink sink;
  if (!built.Accept(sink)) {
    fhir::ReadResult failed = sink.finish();
    if (failed.ok()) failed = {nullptr, Status::invalidInput("the built Bundle is not JSON"), {}};
    return failed;
  }
  return sink.finish();
}

bool matchTemplate(const Value& templ, const Value& data, const std::set<std::string>& perRowFields,
                   Bindings& out) {
  return match(templ, data, perRowFields, out, false);
}

}  // namespace renkei::mapping

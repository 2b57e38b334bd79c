// FHIR JSON serialization with RapidJSON's writer; numbers are written from their exact text.
#include "renkei/fhir/json_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "element_order.h"

namespace renkei::fhir {
namespace {

bool isJsonNumberType(std::string_view t) {
  return t == "integer" || t == "decimal" || t == "positiveInt" || t == "unsignedInt" ||
         t == "integer64";
}

// Strict JSON number grammar, so that a bad lexical value from XML is written as a string.
bool looksLikeJsonNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

template <typename Writer>
class JsonEmitter {
 public:
  JsonEmitter(Writer& w, const ElementNavigator* nav) : w_(w), nav_(nav) {}

  void resource(const Node& n) {
    w_.StartObject();
    w_.Key("resourceType");
    w_.String(n.resourceType.data(), static_cast<rapidjson::SizeType>(n.resourceType.size()));
    ElementScope scope = nav_ ? nav_->typeScope(n.resourceType) : ElementScope{};
    members(n, scope, /*skipIdAndExtension=*/false);
    w_.EndObject();
  }

 private:
  void members(const Node& parent, const ElementScope& scope, bool primitiveParent) {
    std::vector<ChildGroup> groups;
    orderedChildGroups(parent, scope, nav_, groups);
    for (const ChildGroup& g : groups) group(g, primitiveParent);
  }

  bool isArray(const ChildGroup& g) const {
    if (g.match) return g.match.def().repeats();
    return g.nodes.size() > 1 || g.nodes.front()->has(kFromArray);
  }

  bool isPrimitive(const ChildGroup& g) const {
    if (g.match) return isPrimitiveTypeName(g.match.typeCode);
    for (const Node* n : g.nodes) {
      if (n->hasValue() && !n->has(kFromObject)) return true;
    }
    return false;
  }

  void group(const ChildGroup& g, bool primitiveParent) {
    const bool array = isArray(g);
    if (isPrimitive(g)) {
      primitiveGroup(g, array);
      return;
    }
    key(g.name);
    if (array) w_.StartArray();
    for (const Node* n : g.nodes) complex(g, *n);
    if (array) w_.EndArray();
  }

  void complex(const ChildGroup& g, const Node& n) {
    if (n.isResource()) {
      resource(n);
      return;
    }
    w_.StartObject();
    ElementScope scope = (nav_ && g.match) ? nav_->childScope(g.match) : ElementScope{};
    members(n, scope, false);
    w_.EndObject();
  }

  void primitiveGroup(const ChildGroup& g, bool array) {
    std::string_view type = g.match ? g.match.typeCode : std::string_view();
    bool anyValue = false, anyExtra = false;
    for (const Node* n : g.nodes) {
      anyValue |= n->hasValue();
      anyExtra |= n->hasChildren();
    }
    if (anyValue) {
      key(g.name);
      if (array) w_.StartArray();
      for (const Node* n : g.nodes) value(*n, type);
      if (array) w_.EndArray();
    }
    if (!anyExtra) return;
    std::string underscored = "_" + std::string(g.name);
    key(underscored);
    if (array) w_.StartArray();
    ElementScope scope =
        (nav_ && !type.empty()) ? nav_->typeScope(type) : ElementScope{};
    for (const Node* n : g.nodes) {
      if (!n->hasChildren()) {
        w_.Null();
        continue;
      }
      w_.StartObject();
      members(*n, scope, true);
      w_.EndObject();
    }
    if (array) w_.EndArray();
  }

  void value(const Node& n, std::string_view type) {
    if (!n.hasValue()) {
      w_.Null();
      return;
    }
    const auto len = static_cast<rapidjson::SizeType>(n.value.size());
    bool asBool = type == "boolean" || (type.empty() && n.kind == ValueKind::Boolean);
    bool asNumber = isJsonNumberType(type) || (type.empty() && n.kind == ValueKind::Number);
    if (asBool && (n.value == "true" || n.value == "false")) {
      w_.Bool(n.value == "true");
    } else if (asNumber && looksLikeJsonNumber(n.value)) {
      w_.RawValue(n.value.data(), n.value.size(), rapidjson::kNumberType);
    } else {
      w_.String(n.value.data(), len);
    }
  }

  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

  Writer& w_;
  const ElementNavigator* nav_;
};

}  // namespace

std::string writeJson(const Node& resource, const ElementNavigator* navigator,
                      const JsonWriteOptions& options) {
  rapidjson::StringBuffer buf;
  if (options.pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    JsonEmitter<decltype(w)>(w, navigator).resource(resource);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    JsonEmitter<decltype(w)>(w, navigator).resource(resource);
  }
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace renkei::fhir

// FHIR JSON serialization with RapidJSON's writer; numbers are written from their exact text.
#include "renkei/fhir/json_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "element_order.h"
#include "renkei/fhir/run_copying_writer.h"
#include "validation/primitive_rules.h"

namespace renkei::fhir {
namespace {

template <typename Writer>
class JsonEmitter {
 public:
  JsonEmitter(Writer& w, const ElementNavigator* nav) : w_(w), nav_(nav) {}

  /// A complex element (or a resource) whose children are defined in `scope`.
  void element(const Node& n, const ElementScope& scope) {
    if (n.isResource()) {
      resource(n);
      return;
    }
    w_.StartObject();
    members(n, scope);
    w_.EndObject();
  }

  void resource(const Node& n) {
    w_.StartObject();
    w_.Key("resourceType");
    w_.String(n.resourceType.data(), static_cast<rapidjson::SizeType>(n.resourceType.size()));
    members(n, nav_ ? nav_->typeScope(n.resourceType) : ElementScope{});
    w_.EndObject();
  }

 private:
  void members(const Node& parent, const ElementScope& scope) {
    ChildOrder order(parent, scope, nav_);
    order.forEachGroup([&](std::size_t first, std::size_t last) {
      const ElementMatch match = order.item(first).match;  // copy: recursion moves the items
      const std::string_view name = order.item(first).node->name;
      const bool array = isArray(order, first, last, match);
      if (isPrimitive(order, first, last, match)) {
        primitiveGroup(order, first, last, name, match, array);
        return;
      }
      key(name);
      if (array) w_.StartArray();
      for (std::size_t i = first; i < last; ++i) complex(*order.item(i).node, match);
      if (array) w_.EndArray();
    });
  }

  bool isArray(const ChildOrder& o, std::size_t first, std::size_t last,
               const ElementMatch& m) const {
    if (m) return m.def().repeats();
    return last - first > 1 || o.item(first).node->has(kFromArray);
  }

  bool isPrimitive(const ChildOrder& o, std::size_t first, std::size_t last,
                   const ElementMatch& m) const {
    if (m) return isPrimitiveTypeName(m.typeCode);
    for (std::size_t i = first; i < last; ++i) {
      const Node* n = o.item(i).node;
      if (n->hasValue() && !n->has(kFromObject)) return true;
    }
    return false;
  }

  void complex(const Node& n, const ElementMatch& match) {
    element(n, (nav_ && match) ? nav_->childScope(match) : ElementScope{});
  }

  void primitiveGroup(const ChildOrder& o, std::size_t first, std::size_t last,
                      std::string_view name, const ElementMatch& match, bool array) {
    std::string_view type = match ? match.typeCode : std::string_view();
    bool anyValue = false, anyExtra = false;
    for (std::size_t i = first; i < last; ++i) {
      anyValue |= o.item(i).node->hasValue();
      anyExtra |= o.item(i).node->hasChildren();
    }
    if (anyValue) {
      key(name);
      if (array) w_.StartArray();
      const Shape shape = shapeOf(type);
      for (std::size_t i = first; i < last; ++i) value(*o.item(i).node, shape);
      if (array) w_.EndArray();
    }
    if (!anyExtra) return;
    std::string underscored = "_" + std::string(name);
    key(underscored);
    if (array) w_.StartArray();
    ElementScope scope = (nav_ && !type.empty()) ? nav_->typeScope(type) : ElementScope{};
    for (std::size_t i = first; i < last; ++i) {
      const Node* n = o.item(i).node;
      if (!n->hasChildren()) {
        w_.Null();
        continue;
      }
      w_.StartObject();
      members(*n, scope);
      w_.EndObject();
    }
    if (array) w_.EndArray();
  }

  // How a primitive type is written: decided once per group of values.
  enum class Shape { String, Number, Boolean, FromSource };
  static Shape shapeOf(std::string_view type) {
    if (type.empty()) return Shape::FromSource;
    if (type == "boolean") return Shape::Boolean;
    return isJsonNumberPrimitive(type) ? Shape::Number : Shape::String;
  }

  void value(const Node& n, Shape shape) {
    if (!n.hasValue()) {
      w_.Null();
      return;
    }
    bool asBool = shape == Shape::Boolean || (shape == Shape::FromSource && n.kind == ValueKind::Boolean);
    bool asNumber = shape == Shape::Number || (shape == Shape::FromSource && n.kind == ValueKind::Number);
    if (asBool && (n.value == "true" || n.value == "false")) {
      w_.Bool(n.value == "true");
    } else if (asNumber && isDecimalText(n.value)) {  // else a bad lexical value from XML: a string
      w_.RawValue(n.value.data(), n.value.size(), rapidjson::kNumberType);
    } else {
      w_.String(n.value.data(), static_cast<rapidjson::SizeType>(n.value.size()));
    }
  }

  void key(std::string_view k) { w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }

  Writer& w_;
  const ElementNavigator* nav_;
};

}  // namespace

namespace {

template <typename Emit>
std::string writeWith(const ElementNavigator* navigator, const JsonWriteOptions& options, Emit emit) {
  thread_local rapidjson::StringBuffer buf;  // reused: only the returned string is allocated
  buf.Clear();
  if (options.pretty) {
    renkei::fhir::RunCopyingPrettyWriter w(buf);
    w.SetIndent(' ', 2);
    JsonEmitter<decltype(w)> e(w, navigator);
    emit(e);
  } else {
    RunCopyingWriter w(buf);
    JsonEmitter<decltype(w)> e(w, navigator);
    emit(e);
  }
  std::string out(buf.GetString(), buf.GetSize());
  if (buf.GetSize() > (1u << 20)) {  // do not keep a huge buffer alive for the thread
    buf.Clear();
    buf.ShrinkToFit();
  }
  return out;
}

}  // namespace

std::string writeJson(const Node& resource, const ElementNavigator* navigator,
                      const JsonWriteOptions& options) {
  return writeWith(navigator, options, [&](auto& e) { e.resource(resource); });
}

std::string writeJsonElement(const Node& element, const ElementScope& scope,
                             const ElementNavigator* navigator, const JsonWriteOptions& options) {
  return writeWith(navigator, options, [&](auto& e) { e.element(element, scope); });
}

}  // namespace renkei::fhir

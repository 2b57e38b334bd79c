// Result rendering for tests, traces and the CLI (see output.h).
#include "renkei/fhirpath/output.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "quantity_ops.h"
#include "renkei/fhir/json_writer.h"
#include "typing.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::fhirpath {
namespace {

std::string_view nodeTypeName(const Item& item) {
  const fhir::Node& n = *item.node.node;
  if (n.isResource() && item.element == 0) return n.resourceType;
  if (item.node.sd == nullptr) {
    switch (n.kind) {
      case fhir::ValueKind::Boolean: return "boolean";
      case fhir::ValueKind::Number: return "decimal";
      case fhir::ValueKind::String: return "string";
      default: return "Element";
    }
  }
  return definedTypeName(*item.node.sd, item.element, item.typeIndex);
}

bool isJsonNumberType(std::string_view t) {
  return t == "integer" || t == "decimal" || t == "positiveInt" || t == "unsignedInt";
}

template <typename Writer>
void writeString(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string typeNameOf(const Item& item) {
  switch (item.type) {
    case ValueType::Node: return std::string(nodeTypeName(item));
    case ValueType::Boolean: return "boolean";
    case ValueType::String: return "string";
    case ValueType::Integer: return "integer";
    case ValueType::Decimal: return "decimal";
    case ValueType::Date: return "date";
    case ValueType::DateTime: return "dateTime";
    case ValueType::Time: return "time";
    case ValueType::Quantity: return "Quantity";
    case ValueType::TypeInfo: return "TypeInfo";
  }
  return "";
}

std::optional<std::string> literalText(const Item& item) {
  switch (item.type) {
    case ValueType::Node: {
      const fhir::Node& n = *item.node.node;
      if (!n.hasValue()) return std::nullopt;
      const std::string_view t = nodeTypeName(item);
      if (t == "date" || t == "dateTime" || t == "instant") return "@" + std::string(n.value);
      if (t == "time") return "@T" + std::string(n.value);
      return std::string(n.value);
    }
    case ValueType::Boolean: return std::string(item.boolean ? "true" : "false");
    case ValueType::String: return std::string(item.str());
    case ValueType::Integer: return std::to_string(item.integer);
    case ValueType::Decimal: return item.decimal->toString();
    case ValueType::Date:
    case ValueType::DateTime: return "@" + item.temporal->toString();
    case ValueType::Time: return "@T" + item.temporal->toString();
    case ValueType::Quantity: return quantityText(*item.quantity);
    case ValueType::TypeInfo:
      return std::string(item.typeInfo->ns) + "." + std::string(item.typeInfo->name);
  }
  return std::nullopt;
}

std::string resultToJson(ItemSpan items, const fhir::Definitions* definitions) {
  std::optional<fhir::ElementNavigator> nav;
  if (definitions != nullptr) nav.emplace(*definitions);
  rapidjson::StringBuffer buf;
  renkei::fhir::RunCopyingWriter w(buf);
  w.StartArray();
  for (const Item& item : items) {
    w.StartObject();
    w.Key("type");
    writeString(w, typeNameOf(item));
    w.Key("value");
    switch (item.type) {
      case ValueType::Boolean: w.Bool(item.boolean); break;
      case ValueType::Integer: w.Int64(item.integer); break;
      case ValueType::Decimal: {
        std::string d = item.decimal->toString();
        w.RawValue(d.data(), d.size(), rapidjson::kNumberType);
        break;
      }
      case ValueType::Quantity: {
        w.StartObject();
        w.Key("value");
        std::string d = item.quantity->value.toString();
        w.RawValue(d.data(), d.size(), rapidjson::kNumberType);
        w.Key("unit");
        writeString(w, item.quantity->unit);
        w.EndObject();
        break;
      }
      case ValueType::Node: {
        const fhir::Node& n = *item.node.node;
        if (n.hasValue()) {
          const std::string_view t = nodeTypeName(item);
          if (t == "boolean") {
            w.Bool(n.value == "true");
          } else if (isJsonNumberType(t) && Decimal::parse(n.value)) {
            w.RawValue(n.value.data(), n.value.size(), rapidjson::kNumberType);
          } else {
            writeString(w, n.value);
          }
          break;
        }
        fhir::ElementScope scope;
        if (nav && item.node.sd != nullptr) {
          scope = childScopeOf(*nav, *item.node.sd, item.element, item.typeIndex);
        }
        std::string json = fhir::writeJsonElement(n, scope, nav ? &*nav : nullptr);
        w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
        break;
      }
      default: {
        auto text = literalText(item);
        std::string s = text.value_or("");
        if (!s.empty() && s[0] == '@') s.erase(0, s[1] == 'T' && item.type == ValueType::Time ? 2 : 1);
        writeString(w, s);
        break;
      }
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace renkei::fhirpath

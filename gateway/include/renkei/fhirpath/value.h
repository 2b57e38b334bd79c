// What FHIRPath collections hold: an element or resource of the input (typed by its element
// definition, never copied) or a System value (Boolean, String, Integer, Decimal, Date,
// DateTime, Time, Quantity) computed by the expression.
#pragma once

#include <cstdint>
#include <string_view>

#include "renkei/fhir/node.h"
#include "renkei/fhir/structure.h"
#include "renkei/fhirpath/decimal.h"
#include "renkei/fhirpath/temporal.h"

namespace renkei::fhirpath {

enum class ValueType : uint8_t {
  Node,  ///< an element or resource of the input
  Boolean,
  String,
  Integer,
  Decimal,
  Date,
  DateTime,
  Time,
  Quantity,
  TypeInfo,  ///< the result of type(): a name in a namespace
};

/// The System type's name ("Boolean", "DateTime"); "Element" for Node, "TypeInfo" for TypeInfo.
constexpr std::string_view systemTypeName(ValueType t) {
  constexpr std::string_view kNames[] = {"Element", "Boolean", "String",   "Integer", "Decimal",
                                         "Date",    "DateTime", "Time",   "Quantity", "TypeInfo"};
  return kNames[static_cast<int>(t)];
}

struct Quantity {
  Decimal value;
  std::string_view unit;  ///< a UCUM code, or a calendar keyword when `calendar`
  bool calendar = false;  ///< "week", "days", ... (written without quotes)
};

struct TypeInfo {
  std::string_view ns;  ///< "System" or "FHIR"
  std::string_view name;
};

struct Item {
  ValueType type = ValueType::Boolean;
  /// Node: which of the element's types the node has (choice elements).
  uint8_t typeIndex = 0;
  /// Node: index of the node's ElementDef in `sd` (0 for a resource).
  uint32_t element = 0;

  struct NodeRef {
    const fhir::Node* node;
    const fhir::StructureDef* sd;  ///< nullptr when the node matched no definition
  };
  struct StringRef {
    const char* data;
    std::size_t size;
  };
  union {
    NodeRef node;
    bool boolean;
    int64_t integer;
    StringRef string;
    const Decimal* decimal;
    const Temporal* temporal;
    const Quantity* quantity;
    const TypeInfo* typeInfo;
  };

  Item() : node{nullptr, nullptr} {}

  static Item ofNode(const fhir::Node* n, const fhir::StructureDef* sd, uint32_t element,
                     uint8_t typeIndex = 0) {
    Item i;
    i.type = ValueType::Node;
    i.node = {n, sd};
    i.element = element;
    i.typeIndex = typeIndex;
    return i;
  }
  static Item ofBoolean(bool b) {
    Item i;
    i.type = ValueType::Boolean;
    i.boolean = b;
    return i;
  }
  static Item ofInteger(int64_t v) {
    Item i;
    i.type = ValueType::Integer;
    i.integer = v;
    return i;
  }
  /// `s` must outlive the item (input text, the expression, or the evaluator's arena).
  static Item ofString(std::string_view s) {
    Item i;
    i.type = ValueType::String;
    i.string = {s.data(), s.size()};
    return i;
  }
  static Item ofDecimal(const Decimal* d) {
    Item i;
    i.type = ValueType::Decimal;
    i.decimal = d;
    return i;
  }
  static Item ofTemporal(const Temporal* t) {
    Item i;
    i.type = t->kind == TemporalKind::Date     ? ValueType::Date
             : t->kind == TemporalKind::Time   ? ValueType::Time
                                               : ValueType::DateTime;
    i.temporal = t;
    return i;
  }
  static Item ofQuantity(const Quantity* q) {
    Item i;
    i.type = ValueType::Quantity;
    i.quantity = q;
    return i;
  }
  static Item ofTypeInfo(const TypeInfo* t) {
    Item i;
    i.type = ValueType::TypeInfo;
    i.typeInfo = t;
    return i;
  }

  bool isNode() const { return type == ValueType::Node; }
  std::string_view str() const { return {string.data, string.size}; }
};

/// A read-only view of a collection.
struct ItemSpan {
  const Item* data = nullptr;
  std::size_t size = 0;
  const Item* begin() const { return data; }
  const Item* end() const { return data + size; }
  bool empty() const { return size == 0; }
  const Item& operator[](std::size_t i) const { return data[i]; }
};

}  // namespace renkei::fhirpath

// Compiled StructureDefinitions: the compact, immutable form the validator and codecs walk.
// A snapshot becomes a tree of ElementDefs linked by index (children, slices), so lookups never
// re-parse paths.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/regex.h"
#include "renkei/fhir/node.h"

namespace renkei::fhir {

struct ValueSetDef;
struct StructureDef;

inline constexpr uint32_t kUnbounded = UINT32_MAX;
inline constexpr int32_t kNone = -1;

enum class BindingStrength : uint8_t { None, Required, Extensible, Preferred, Example };

struct TypeRef {
  std::string code;                         ///< FHIR type name ("string", "HumanName", "Resource")
  std::vector<std::string> profiles;        ///< type profiles (for Extension: the extension URL)
  std::vector<std::string> targetProfiles;  ///< for Reference/canonical: allowed targets
  std::string choiceSuffix;                 ///< how the type names a choice element ("Quantity")
  // Resolved when definitions are linked, so walks never look types up by name:
  const StructureDef* typeSd = nullptr;     ///< base definition of `code`
  const StructureDef* profileSd = nullptr;  ///< first loaded profile of the same type, if any
  /// Types the targetProfiles allow ("Resource" when any, empty when none are declared).
  std::vector<std::string_view> targetTypes;
};

struct Constraint {
  std::string key;
  bool isError = true;  ///< severity error (true) or warning (false)
  /// The validator checks this one itself (set when definitions are linked; see
  /// isNativelyCheckedConstraint), so its expression is not evaluated.
  bool checkedNatively = false;
  std::string human;
  std::string expression;
  std::string source;  ///< the StructureDefinition that defined it
  /// Position among every constraint of the definition set (assigned when definitions are
  /// linked), so evaluators keep per-constraint state in a vector instead of a map.
  uint32_t id = 0;
};

enum class DiscriminatorType : uint8_t { Value, Pattern, Type, Profile, Exists };
enum class SlicingRules : uint8_t { Open, Closed, OpenAtEnd };

struct Discriminator {
  DiscriminatorType type = DiscriminatorType::Value;
  std::string path;
  /// `path` cut at its dots outside parentheses ("extension('u').value" → 2 parts; "$this" → none).
  std::vector<std::string> segments;
};

/// Discriminator::segments of a path.
std::vector<std::string> discriminatorSegments(std::string_view path);

struct Slicing {
  std::vector<Discriminator> discriminators;
  bool ordered = false;
  SlicingRules rules = SlicingRules::Open;
};

struct ElementDef {
  std::string id;            ///< "Patient.identifier:mrn.system"
  std::string path;          ///< "Patient.identifier.system"
  std::string name;          ///< last path segment: "system", "value[x]"
  std::string choicePrefix;  ///< "value" for "value[x]", else empty
  std::string sliceName;
  uint32_t min = 0;
  uint32_t max = 1;  ///< kUnbounded for "*"
  std::vector<TypeRef> types;
  int32_t contentReference = kNone;  ///< element whose definition this one reuses
  BindingStrength bindingStrength = BindingStrength::None;
  std::string valueSet;  ///< canonical without version
  const ValueSetDef* boundValueSet = nullptr;  ///< resolved when definitions are linked
  const Node* fixed = nullptr;    ///< e.g. node named "fixedUri"
  const Node* pattern = nullptr;  ///< e.g. node named "patternCodeableConcept"
  std::vector<Constraint> constraints;
  std::optional<Slicing> slicing;
  std::vector<uint32_t> children;  ///< direct children (not slices), in definition order
  std::vector<uint32_t> slices;    ///< the slices of this element, when it is sliced
  /// Per child, a cheap key for matching instance names before comparing strings (see
  /// childNameKey); a choice element's key only carries its first letter.
  std::vector<uint32_t> childKeys;
  /// Positions in `children` that must be present (min > 0, or a required slice).
  std::vector<uint32_t> requiredChildren;
  int32_t parent = kNone;
  int32_t sliceOf = kNone;
  uint32_t maxLength = 0;
  std::optional<Regex> regex;  ///< from the standard "regex" extension: the whole value must match
  bool isModifier = false;
  bool mustSupport = false;
  bool xmlAttribute = false;  ///< represented as an XML attribute (id, url, value)
  /// In a profile: this element and everything below it constrain nothing beyond the base
  /// type's definition of the same element (set when definitions are linked), so a profile
  /// walk below it would only repeat what the base walk checks.
  bool profileAddsNothing = false;
  /// Some constraint here is evaluated as an expression (not only checked natively, like ele-1);
  /// set when definitions are linked.
  bool evaluatesConstraints = false;
  bool isChoice() const { return !choicePrefix.empty(); }
  bool repeats() const { return max != 1; }
};

/// Key of an element name for ElementDef::childKeys: length and first byte.
inline uint32_t childNameKey(std::string_view name) {
  return name.empty() ? 0u
                      : (static_cast<uint32_t>(std::min<std::size_t>(name.size(), 0xFFFF)) << 8) |
                            static_cast<unsigned char>(name[0]);
}
/// childKeys entry of a choice element ("value[x]"): any length, same first byte.
inline uint32_t choiceNameKey(std::string_view prefix) {
  return 0x80000000u | static_cast<unsigned char>(prefix[0]);
}

enum class StructureKind : uint8_t { PrimitiveType, ComplexType, Resource, Logical };

struct ExtensionContext {
  std::string type;  ///< "element", "extension", "fhirpath"
  std::string expression;
};

struct StructureDef {
  std::string url;
  std::string version;
  std::string name;
  std::string type;  ///< the type it defines or constrains ("Patient", "Extension")
  StructureKind kind = StructureKind::ComplexType;
  bool abstract = false;
  bool isConstraint = false;  ///< derivation = constraint (a profile)
  std::string baseDefinition;
  const StructureDef* base = nullptr;
  std::vector<ElementDef> elements;  ///< [0] is the root element
  std::vector<ExtensionContext> contexts;
  std::string origin;  ///< where it was loaded from (package id or file)

  const ElementDef& root() const { return elements.front(); }
  const ElementDef* find(std::string_view id) const;
};

}  // namespace renkei::fhir

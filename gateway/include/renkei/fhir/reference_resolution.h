// Resolving references inside one resource (contained) or one Bundle under FHIR's fullUrl
// rules. Shared by the validator and FHIRPath's resolve().
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "renkei/fhir/node.h"

namespace renkei::fhir {

/// Where the resources of a Bundle can be found by reference.
struct BundleIndex {
  struct Entry {
    const Node* entry;
    const Node* resource;  ///< nullptr when the entry has none
    std::string_view fullUrl;
  };
  std::string type;  ///< Bundle.type
  std::vector<Entry> entries;
  std::unordered_multimap<std::string, std::size_t> byFullUrl;  ///< fullUrl → entry
  std::unordered_multimap<std::string, std::size_t> byTypeId;   ///< "Patient/1" → entry (no fullUrl)
  std::unordered_map<const Node*, std::size_t> entryOfResource;

  static BundleIndex build(const Node& bundle);
  /// The fullUrl of the entry holding `resource`, or empty.
  std::string_view fullUrlOf(const Node* resource) const;
};

/// What resolving a reference found.
struct Resolution {
  const Node* target = nullptr;
  std::size_t matches = 0;  ///< more than one means the reference is ambiguous
  bool searched = false;    ///< there was a Bundle or container to look in
};

/// Resolves `reference` (absolute, relative "Type/id", with or without _history) among the
/// entries of `bundle`, as seen from the entry whose fullUrl is `fromFullUrl`.
Resolution resolveInBundle(const BundleIndex& bundle, std::string_view reference,
                           std::string_view fromFullUrl);
/// Resolves "#id" (a contained resource) or "#" (the container itself) within `container`.
Resolution resolveContained(const Node& container, std::string_view reference);

/// "…/Type/id" → "Type/id" (empty when the shape does not fit); "_history/v" is dropped.
std::string_view referenceTypeAndId(std::string_view url);
/// Splits "…/_history/v" off a reference; `version` receives "v" when present.
std::string_view referenceWithoutHistory(std::string_view reference, std::string_view* version);

}  // namespace renkei::fhir

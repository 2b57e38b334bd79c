// The search parameters Renkei indexes, as data: per resource type, each parameter's name, kind and
// the element path its values come from. The pipeline extracts (parameter, value) pairs with it when
// a resource is stored; the FHIR API parses queries and states its CapabilityStatement from it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace renkei::pipeline {

enum class SearchKind {
  Token,         ///< code, Coding, CodeableConcept, boolean: "code" and "system|code"
  Identifier,    ///< "system|value", and the bare value under "<name>:value"
  String,        ///< normalized text (normalizeName), matched as a prefix
  Date,          ///< YYYY[-MM[-DD]] (a Period's start)
  Reference,     ///< "Type/id" (the tail of an absolute reference)
  Municipality,  ///< 団体コード of an Address in Tokyo's municipality table
  Area,          ///< the secondary medical area (二次保健医療圏) of that municipality
};

struct SearchParameter {
  std::string_view name;
  SearchKind kind;
  std::string_view path;    ///< dotted element path; arrays on the way are flattened
  std::string_view target;  ///< for references: the resource type they point at ("" any)
};

/// The types that have parameters (besides _id), in name order.
std::vector<std::string> indexedTypes();
/// The parameters of `type` (besides _id); empty when the type is not indexed.
const std::vector<SearchParameter>& searchParametersOf(std::string_view type);
/// One of `type`'s parameters by name; null when it has none by that name.
const SearchParameter* findSearchParameter(std::string_view type, std::string_view name);
/// FHIR's name of a kind: token, string, date, reference (municipality and area are tokens).
std::string_view searchKindName(SearchKind kind);

/// Types readable by every organization's client: the shared directory of who provides care.
bool isDirectoryType(std::string_view type);

/// (parameter, value) pairs to index for one resource; only those of `onlyParam` when given.
std::vector<std::pair<std::string, std::string>> searchValues(const rapidjson::Value& resource,
                                                              std::string_view onlyParam = {});

}  // namespace renkei::pipeline

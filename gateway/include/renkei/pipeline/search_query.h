// A FHIR search query parsed against the indexed parameters (renkei/pipeline/search_parameters.h):
// criteria with FHIR's value syntax (token system|code, comma for "any of", date prefixes, string
// prefix on normalized text, :text on a token's words, :exact on a string), one-level chains
// (organization.municipality=131041), _include and _revinclude, paging.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::pipeline {

/// `_include=Source:param[:Target]` or `_revinclude=Source:param[:Target]`.
struct IncludeSpec {
  std::string sourceType;
  std::string param;
  std::string targetType;  ///< "" when any type the reference names
};

/// `ref.param=value` or `ref:Target.param=value`: the resources of `targetType` matching
/// `criteria`, then the searched type's `param` referencing one of them.
struct ChainedCriterion {
  std::string param;
  std::string targetType;
  std::vector<store::SearchCriterion> criteria;
};

struct SearchQuery {
  std::vector<store::SearchCriterion> criteria;
  std::vector<ChainedCriterion> chains;
  std::vector<IncludeSpec> includes;
  std::vector<IncludeSpec> revincludes;
  int64_t count = 50;
  int64_t offset = 0;
  std::string error;  ///< non-empty: answer 400 with it
};

SearchQuery parseSearchQuery(const std::string& type, const std::string& query);

/// Whether `s` has the shape of a resource type name (an upper-case letter, then letters).
bool isResourceTypeName(std::string_view s);
/// Percent-decodes a query component ('+' as space when `plusAsSpace`); false for a malformed
/// escape (the caller answers 400).
bool decodeQueryPart(const std::string& encoded, std::string& decoded, bool plusAsSpace);

/// Whether a resource with this id and these index values (searchValues) meets every criterion,
/// as the store's search would decide it (Subscription criteria are checked this way).
bool meetsCriteria(std::string_view id, const std::vector<std::pair<std::string, std::string>>& values,
                   const std::vector<store::SearchCriterion>& criteria);

}  // namespace renkei::pipeline

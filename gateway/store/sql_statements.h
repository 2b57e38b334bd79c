// Helpers shared by the store's implementation files: multi-row SQL statements with `?`
// placeholders, and reading fhir_resource rows within an organization's read scope.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "renkei/store/store.h"
#include "sql_database.h"

namespace renkei::store {

/// "(?, ?, …)" with `columns` placeholders, repeated `rows` times and comma-separated.
inline std::string valueRows(std::size_t rows, std::size_t columns) {
  std::string row = "(";
  for (std::size_t c = 0; c < columns; ++c) row += c == 0 ? "?" : ", ?";
  row += ")";
  std::string out;
  for (std::size_t r = 0; r < rows; ++r) out += (r == 0 ? "" : ", ") + row;
  return out;
}

/// "?, ?, …" with `n` placeholders.
inline std::string placeholders(std::size_t n) { return valueRows(1, n).substr(1, n * 3 - 2); }

/// Rows per multi-row statement: well under SQLite's and PostgreSQL's parameter limits.
inline constexpr std::size_t kChunk = 200;

/// Calls body(from, to) for consecutive slices of at most kChunk items.
template <typename T, typename F>
void inChunks(const std::vector<T>& items, F&& body) {
  for (std::size_t at = 0; at < items.size(); at += kChunk) {
    body(at, std::min(items.size(), at + kChunk));
  }
}

/// The columns of fhir_resource that make a StoredResource, in storedResourceFrom's order.
inline constexpr const char* kResourceColumns =
    "r.resource_type, r.id, r.version, r.organization, r.message_id, r.updated_ms, r.content";

/// "(r.organization = ? OR <a message of r was routed to one of the scope's destinations>)",
/// with its parameters appended to `p`.
inline std::string inScope(const ReadScope& scope, std::vector<SqlParam>& p) {
  p.emplace_back(scope.organization);
  if (scope.destinations.empty()) return "r.organization = ?";
  for (const std::string& d : scope.destinations) p.emplace_back(d);
  return "(r.organization = ? OR EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.message_id = "
         "r.message_id AND o.destination IN (" + placeholders(scope.destinations.size()) + ")))";
}


inline StoredResource storedResourceFrom(const SqlRow& r) {
  return {text(r[0]), text(r[1]), integer(r[2]), text(r[3]), integer(r[4]), integer(r[5]), text(r[6])};
}

}  // namespace renkei::store

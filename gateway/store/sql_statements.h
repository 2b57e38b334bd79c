// Helpers for building multi-row SQL statements with `?` placeholders, shared by the store's
// implementation files.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

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

}  // namespace renkei::store

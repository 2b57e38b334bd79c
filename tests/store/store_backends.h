// Test helper: a fresh, empty store of each backend. SQLite in a temporary folder always;
// PostgreSQL in a new database on the server named by $RENKEI_TEST_PG_URL (scripts/test.sh
// starts a throwaway cluster and sets it), skipped with a message when unset.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "renkei/store/store.h"

namespace renkei::test {

/// A store config for a new empty database of `kind`, or nullopt (with `why`) when unavailable.
std::optional<store::StoreConfig> freshStoreConfig(const std::string& kind, std::string& why);

/// A new temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace renkei::test

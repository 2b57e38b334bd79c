// Test helper: a fresh, empty store of each backend. SQLite in a temporary folder always;
// PostgreSQL in a new database on the server named by $RENKEI_TEST_PG_URL (scripts/test.sh
// starts a throwaway cluster and sets it), skipped with a message when unset.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "renkei/store/store.h"
#include "store/sql_database.h"

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

/// One connection to a new empty database of `kind` (SQLite: a file in `dir`, WAL, flushed
/// commits), or nullptr (with `why`) when unavailable.
std::unique_ptr<store::SqlDatabase> freshDatabase(const std::string& kind, const TempDir& dir, std::string& why);

/// A test run on each backend (the parameter: "sqlite" or "postgres") with a fresh empty store;
/// skipped with the reason when the backend is unavailable.
class FreshStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  store::StoreConfig config_;
  std::unique_ptr<store::Store> store_;
};

/// A test run on each backend with one connection to a fresh empty database (`freshDatabase`);
/// skipped with the reason when the backend is unavailable.
class FreshDatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  TempDir dir_;
  std::unique_ptr<store::SqlDatabase> db_;
};

}  // namespace renkei::test

// Fresh SQLite and PostgreSQL stores for the conformance suite (see store_backends.h).
#include "store/store_backends.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

namespace renkei::test {

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("renkei-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::optional<store::StoreConfig> freshStoreConfig(const std::string& kind, std::string& why) {
  store::StoreConfig config;
  config.kind = kind;
  if (kind == "sqlite") {
    static std::atomic<int> n{0};
    std::random_device rd;
    config.path = (std::filesystem::temp_directory_path() /
                   ("renkei-store-" + std::to_string(rd()) + "-" + std::to_string(++n) + ".db"))
                      .string();
    return config;
  }
  const char* url = std::getenv("RENKEI_TEST_PG_URL");
  if (url == nullptr || *url == '\0') {
    why = "RENKEI_TEST_PG_URL is not set: run through scripts/test.sh, which starts a throwaway "
          "PostgreSQL cluster";
    return std::nullopt;
  }
  static std::atomic<int> n{0};
  std::random_device rd;
  const std::string db = "renkei_t" + std::to_string(rd() % 1000000) + "_" + std::to_string(++n);
  try {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    Poco::Data::Session admin("PostgreSQL", url);
    admin << "CREATE DATABASE " + db, Poco::Data::Keywords::now;
  } catch (const Poco::Exception& e) {
    why = "cannot create a test database: " + e.displayText();
    return std::nullopt;
  }
  std::string base = url;
  const std::size_t at = base.find("dbname=");
  if (at != std::string::npos) base.erase(at, base.find(' ', at) == std::string::npos
                                                  ? std::string::npos
                                                  : base.find(' ', at) - at + 1);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  config.url = base + " dbname=" + db;
  return config;
}

std::unique_ptr<store::SqlDatabase> freshDatabase(const std::string& kind, const TempDir& dir, std::string& why) {
  auto config = freshStoreConfig(kind, why);
  if (!config) return nullptr;
  if (kind == "sqlite") {
    Poco::Data::SQLite::Connector::registerConnector();
    auto db = std::make_unique<store::SqlDatabase>(
        store::Dialect::Sqlite, std::make_unique<Poco::Data::Session>("SQLite", (dir.path() / "d.db").string()));
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=FULL");
    return db;
  }
  return std::make_unique<store::SqlDatabase>(store::Dialect::Postgres,
                                              std::make_unique<Poco::Data::Session>("PostgreSQL", config->url));
}

void FreshDatabaseTest::SetUp() {
  std::string why;
  db_ = freshDatabase(GetParam(), dir_, why);
  if (!db_) GTEST_SKIP() << why;
}

void FreshStoreTest::SetUp() {
  std::string why;
  auto config = freshStoreConfig(GetParam(), why);
  if (!config) GTEST_SKIP() << why;
  config_ = *config;
  auto opened = store::openStore(config_);
  ASSERT_TRUE(opened.ok()) << opened.status().toString();
  store_ = std::move(opened.value());
}

void FreshStoreTest::TearDown() {
  store_.reset();
  if (config_.kind == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((config_.path + suffix).c_str());
  }
}

}  // namespace renkei::test

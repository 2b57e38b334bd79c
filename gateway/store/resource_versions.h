// ResourceVersions: decides and writes the versions of the resources routed messages carry,
// inside recordRouting's transaction. Server-assigned ids are written once as version 1; a
// client-named resource (PUT) becomes the next version of its organization's resource unless
// its If-Match names another version; unchanged content makes no new version; empty content
// (a deletion) makes a version without content when there is something to delete.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "renkei/store/store.h"
#include "sql_database.h"

namespace renkei::store {

class ResourceVersions {
 public:
  ResourceVersions(SqlDatabase& db, int64_t nowMs) : db_(db), nowMs_(nowMs) {}

  /// Plans one message's resources: sets their versions and `created`, or returns an
  /// OperationOutcome (code kVersionConflictCode) when an update's If-Match is not the current
  /// version, or (kTakenIdCode) when it would create a shared id another organization holds; then
  /// nothing of the message is planned.
  std::optional<std::string> plan(const std::string& organization, int64_t messageId,
                                  std::vector<ResourceCopy>& resources);
  /// Writes every planned version with its search values and retires the versions they replace.
  void write();

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  ///< type, id, organization
  struct Version {
    int64_t number = 0;
    std::string content;
  };
  struct Planned {
    Key key;
    int64_t version = 0;
    int64_t messageId = 0;
    const ResourceCopy* resource = nullptr;
  };
  /// INSERT of `params` (row-major, `columns` per row) the fastest way the backend allows.
  void insertRows(const std::string& insertValues, std::size_t columns,
                  const std::vector<SqlParam>& params, const std::string& tail);
  /// The current version (this transaction's plans first, then the table).
  std::optional<Version> current(const Key& key);
  /// Whether another organization holds a resource of the key's type and id.
  bool heldElsewhere(const Key& key);

  SqlDatabase& db_;
  int64_t nowMs_;
  std::map<Key, std::optional<Version>> latest_;
  std::vector<Planned> planned_;
};

}  // namespace renkei::store

// The Store's records beside the messages: the API's audit trail and what a source that reads
// files in place (SS-MIX2 storage) has seen of each file.
#include "sql_store.h"

#include <set>

#include "sql_statements.h"

namespace renkei::store {

Status SqlStore::recordAudit(const std::vector<AuditRecord>& records) {
  ConnectionPool::Lease db = pool_->acquire();
  return inTransaction(*db, [&] {
    inChunks(records, [&](std::size_t from, std::size_t to) {
      std::vector<SqlParam> p;
      for (std::size_t k = from; k < to; ++k) {
        const AuditRecord& a = records[k];
        for (SqlParam v : {SqlParam(Poco::Int64(a.atMs)), SqlParam(a.source), SqlParam(a.client),
                           SqlParam(a.organization), SqlParam(a.method), SqlParam(a.path),
                           SqlParam(Poco::Int64(a.status)), SqlParam(Poco::Int64(a.messageId))}) {
          p.push_back(std::move(v));
        }
      }
      db->exec("INSERT INTO api_audit (at_ms, source, client, organization, method, path, status, "
                "message_id) VALUES " + valueRows(to - from, 8),
                p);
    });
    std::vector<SqlParam> views;
    for (const AuditRecord& a : records) {
      for (int64_t message : std::set<int64_t>(a.viewed.begin(), a.viewed.end())) {
        for (SqlParam v : {SqlParam(Poco::Int64(message)), SqlParam(Poco::Int64(a.atMs)),
                           SqlParam(a.source), SqlParam(a.client), SqlParam(a.organization),
                           SqlParam(a.method), SqlParam(a.path), SqlParam(Poco::Int64(a.status))}) {
          views.push_back(std::move(v));
        }
      }
    }
    for (std::size_t at = 0; at < views.size(); at += kChunk * 8) {
      const std::size_t end = std::min(views.size(), at + kChunk * 8);
      db->exec("INSERT INTO audit_view (message_id, at_ms, source, client, organization, method, "
               "path, status) VALUES " + valueRows((end - at) / 8, 8),
               std::vector<SqlParam>(views.begin() + at, views.begin() + end));
    }
    return Status::okStatus();
  });
}

Result<std::vector<AuditRecord>> SqlStore::audit(int64_t limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<AuditRecord> out;
  Status st = guarded([&] {
    for (const SqlRow& r : db->query("SELECT at_ms, source, client, organization, method, path, "
                                      "status, message_id FROM api_audit ORDER BY id DESC LIMIT ?",
                                      std::vector<SqlParam>{Poco::Int64(limit)})) {
      out.push_back({integer(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]),
                     static_cast<int>(integer(r[6])), integer(r[7])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<StoredResource>> SqlStore::history(const std::string& type,
                                                     const std::string& id,
                                                     const ReadScope& scope, int64_t limit) {
  auto current = resource(type, id, scope, 0);
  if (!current.ok()) return current.status();
  std::vector<StoredResource> out;
  if (!current.value()) return out;
  ConnectionPool::Lease db = pool_->acquire();
  Status st = guarded([&] {
    std::vector<SqlParam> p{SqlParam(type), SqlParam(id), SqlParam(current.value()->organization)};
    const std::string where = inScope(scope, p);
    p.emplace_back(Poco::Int64(limit));
    for (const SqlRow& r : db->query(std::string("SELECT ") + kResourceColumns +
                                         " FROM fhir_resource r WHERE r.resource_type = ? AND "
                                         "r.id = ? AND r.organization = ? AND " + where +
                                         " ORDER BY r.version DESC LIMIT ?",
                                     p)) {
      out.push_back(storedResourceFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<StoredResource>> SqlStore::currentResources(const std::string& type,
                                                              const std::string& afterOrganization,
                                                              const std::string& afterId,
                                                              int64_t limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<StoredResource> out;
  Status st = guarded([&] {
    for (const SqlRow& r :
         db->query(std::string("SELECT ") + kResourceColumns +
                       " FROM fhir_resource r WHERE r.resource_type = ? AND r.current = 1 AND "
                       "r.content <> '' AND (r.organization > ? OR (r.organization = ? AND r.id > ?)) "
                       "ORDER BY r.organization, r.id LIMIT ?",
                   {type, afterOrganization, afterOrganization, afterId, Poco::Int64(limit)})) {
      out.push_back(storedResourceFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> SqlStore::reindexSearch(
    const std::string& type,
    const std::function<std::vector<std::pair<std::string, std::string>>(const StoredResource&)>&
        values) {
  constexpr int64_t kPage = 500;
  int64_t done = 0;
  std::string afterOrganization, afterId;
  while (true) {
    auto page = currentResources(type, afterOrganization, afterId, kPage);
    if (!page.ok()) return page.status();
    if (page.value().empty()) return done;
    ConnectionPool::Lease db = pool_->acquire();
    Status st = inTransaction(*db, [&] {
      for (const StoredResource& r : page.value()) {
        const std::vector<SqlParam> key{SqlParam(r.type), SqlParam(r.id), SqlParam(r.organization),
                                        SqlParam(Poco::Int64(r.version))};
        db->exec("DELETE FROM fhir_search WHERE resource_type = ? AND id = ? AND organization = ? "
                 "AND version = ?",
                 key);
        for (const auto& [param, value] : values(r)) {
          std::vector<SqlParam> row = key;
          row.emplace_back(param);
          row.emplace_back(value);
          db->exec("INSERT INTO fhir_search (resource_type, id, organization, version, param, "
                   "value) VALUES (?, ?, ?, ?, ?, ?)",
                   row);
        }
      }
      return Status::okStatus();
    });
    if (!st.ok()) return st;
    done += static_cast<int64_t>(page.value().size());
    afterOrganization = page.value().back().organization;
    afterId = page.value().back().id;
  }
}

Result<std::vector<PastDelivery>> SqlStore::deliveriesOfResource(const std::string& type,
                                                                const std::string& id,
                                                                const std::string& organization) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<PastDelivery> out;
  Status st = guarded([&] {
    for (const SqlRow& r : db->query(
             "SELECT DISTINCT o.destination, o.recipient, o.ordering_key FROM delivery_outbox o "
             "JOIN fhir_resource r ON r.message_id = o.message_id WHERE r.resource_type = ? AND "
             "r.id = ? AND r.organization = ? AND r.content <> '' AND o.state <> ? "
             "ORDER BY o.destination, o.recipient",
             {type, id, organization, std::string(kHeld)})) {
      out.push_back({text(r[0]), text(r[1]), text(r[2])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> SqlStore::latestResourceMessage(const std::string& type) {
  ConnectionPool::Lease db = pool_->acquire();
  int64_t latest = 0;
  Status st = guarded([&] {
    auto rows = db->query("SELECT MAX(message_id) FROM fhir_resource WHERE resource_type = ?",
                          {type});
    if (!rows.empty() && !rows[0][0].isEmpty()) latest = integer(rows[0][0]);
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return latest;
}

Result<std::vector<SourceFileState>> SqlStore::sourceFiles(const std::string& source) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<SourceFileState> out;
  Status st = guarded([&] {
    const std::string columns = "SELECT source, path, size, mtime_ns, sha256, message_id, problem, seen_ms FROM source_file";
    auto rows = source.empty() ? db->query(columns + " ORDER BY source, path")
                               : db->query(columns + " WHERE source = ? ORDER BY path", std::vector<SqlParam>{source});
    out.reserve(rows.size());
    for (const SqlRow& r : rows) {
      out.push_back({text(r[0]), text(r[1]), integer(r[2]), integer(r[3]), text(r[4]), integer(r[5]),
                     text(r[6]), integer(r[7])});
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::recordSourceFiles(const std::vector<SourceFileState>& files) {
  if (files.empty()) return Status::okStatus();
  ConnectionPool::Lease db = pool_->acquire();
  return inTransaction(*db, [&] {
    inChunks(files, [&](std::size_t from, std::size_t to) {
      std::vector<SqlParam> p;
      for (std::size_t k = from; k < to; ++k) {
        const SourceFileState& f = files[k];
        for (SqlParam v : {SqlParam(f.source), SqlParam(f.path), SqlParam(Poco::Int64(f.size)),
                           SqlParam(Poco::Int64(f.mtimeNs)), SqlParam(f.sha256),
                           SqlParam(Poco::Int64(f.messageId)), SqlParam(f.problem),
                           SqlParam(Poco::Int64(f.seenMs))}) {
          p.push_back(std::move(v));
        }
      }
      db->exec("INSERT INTO source_file (source, path, size, mtime_ns, sha256, message_id, problem, seen_ms) "
                "VALUES " + valueRows(to - from, 8) +
                    " ON CONFLICT (source, path) DO UPDATE SET size = excluded.size, mtime_ns = "
                    "excluded.mtime_ns, sha256 = excluded.sha256, message_id = excluded.message_id, "
                    "problem = excluded.problem, seen_ms = excluded.seen_ms",
                p);
    });
    return Status::okStatus();
  });
}

}  // namespace renkei::store

// ResourceVersions: version decisions against the fhir_resource table and multi-row writes.
#include "resource_versions.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "sql_statements.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::store {
namespace {

std::string outcome(const char* code, const std::string& text) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("resourceType");
  w.String("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  w.StartObject();
  w.Key("severity");
  w.String("error");
  w.Key("code");
  w.String(code);
  w.Key("diagnostics");
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return buffer.GetString();
}

std::string versionConflict(const ResourceCopy& r, int64_t currentVersion) {
  const std::string what = r.type + "/" + r.id;
  return outcome(kVersionConflictCode,
                 currentVersion == 0
                     ? what + " does not exist, so version " + std::to_string(r.ifMatch) +
                           " (If-Match) cannot be replaced"
                     : what + " is at version " + std::to_string(currentVersion) + ", not " +
                           std::to_string(r.ifMatch) +
                           " (If-Match): read it again and reapply the change");
}

}  // namespace

void ResourceVersions::insertRows(const std::string& insertValues, std::size_t columns,
                                  const std::vector<SqlParam>& params, const std::string& tail) {
  if (params.empty()) return;
  if (db_.dialect() == Dialect::Sqlite) {
    // One statement compiled once and stepped per row: SQLite runs in-process, so rows cost no
    // round trips, and compiling one statement of hundreds of rows costs more than stepping.
    db_.execEach(insertValues + valueRows(1, columns) + tail, columns, params);
    return;
  }
  // PostgreSQL: one round trip per chunk of rows.
  const std::size_t rows = params.size() / columns;
  for (std::size_t from = 0; from < rows; from += kChunk) {
    const std::size_t to = std::min(rows, from + kChunk);
    std::vector<SqlParam> chunk(params.begin() + static_cast<std::ptrdiff_t>(from * columns),
                                params.begin() + static_cast<std::ptrdiff_t>(to * columns));
    db_.exec(insertValues + valueRows(to - from, columns) + tail, chunk);
  }
}

std::optional<ResourceVersions::Version> ResourceVersions::current(const Key& key) {
  auto known = latest_.find(key);
  if (known != latest_.end()) return known->second;
  std::optional<Version> found;
  auto rows = db_.query(
      "SELECT version, content FROM fhir_resource WHERE resource_type = ? AND id = ? AND "
      "organization = ? AND current = 1 ORDER BY version DESC LIMIT 1",
      {SqlParam(std::get<0>(key)), SqlParam(std::get<1>(key)), SqlParam(std::get<2>(key))});
  if (!rows.empty()) found = Version{integer(rows[0][0]), text(rows[0][1])};
  latest_[key] = found;
  return found;
}

bool ResourceVersions::heldElsewhere(const Key& key) {
  return !db_.query("SELECT 1 FROM fhir_resource WHERE resource_type = ? AND id = ? AND "
                    "organization <> ? LIMIT 1",
                    {SqlParam(std::get<0>(key)), SqlParam(std::get<1>(key)),
                     SqlParam(std::get<2>(key))})
              .empty();
}

std::optional<std::string> ResourceVersions::plan(const std::string& organization,
                                                  int64_t messageId,
                                                  std::vector<ResourceCopy>& resources) {
  std::vector<Planned> mine;
  std::map<Key, std::optional<Version>> next;
  for (ResourceCopy& r : resources) {
    Key key{r.type, r.id, organization};
    if (!r.update) {
      // A server-assigned id names exactly this message's resource: version 1, written once.
      r.version = 1;
      r.created = true;
      r.changed = true;
      mine.push_back({key, 1, messageId, &r});
      continue;
    }
    auto planned = next.find(key);
    std::optional<Version> now = planned != next.end() ? planned->second : current(key);
    const int64_t nowVersion = now ? now->number : 0;
    if (r.ifMatch > 0 && r.ifMatch != nowVersion) return versionConflict(r, nowVersion);
    if (r.json.empty() && (!now || now->content.empty())) {
      r.version = nowVersion;  // a deletion of what does not exist (or no longer): nothing
      continue;
    }
    if (!now && r.sharedId && heldElsewhere(key)) {
      return outcome(kTakenIdCode, r.type + "/" + r.id +
                                       " is another organization's directory entry: choose another id");
    }
    r.created = !now;
    if (now && now->content == r.json) {
      r.version = nowVersion;  // nothing changed: no new version
      continue;
    }
    r.version = nowVersion + 1;
    r.changed = true;
    next[key] = Version{r.version, r.json};
    mine.push_back({key, r.version, messageId, &r});
  }
  for (auto& [key, version] : next) latest_[key] = std::move(version);
  planned_.insert(planned_.end(), mine.begin(), mine.end());
  return std::nullopt;
}

void ResourceVersions::write() {
  std::vector<const Planned*> created, updated;
  for (const Planned& v : planned_) (v.resource->update ? updated : created).push_back(&v);
  // A server-assigned id written again (a replayed message) keeps its first copy; a client
  // version written twice at once by two instances is a primary-key conflict: one commits.
  for (const auto* group : {&created, &updated}) {
    std::vector<SqlParam> p;
    for (const Planned* v : *group) {
      for (SqlParam value : {SqlParam(std::get<0>(v->key)), SqlParam(std::get<1>(v->key)),
                             SqlParam(std::get<2>(v->key)), SqlParam(Poco::Int64(v->version)),
                             SqlParam(Poco::Int64(v->messageId)), SqlParam(Poco::Int64(nowMs_)),
                             SqlParam(v->resource->json)}) {
        p.push_back(std::move(value));
      }
    }
    insertRows("INSERT INTO fhir_resource (resource_type, id, organization, version, message_id, "
               "updated_ms, content) VALUES ",
               7, p, group == &created ? " ON CONFLICT DO NOTHING" : "");
  }
  for (const Planned& v : planned_) {
    if (v.version <= 1) continue;
    db_.exec("UPDATE fhir_resource SET current = 0 WHERE resource_type = ? AND id = ? AND "
             "organization = ? AND version < ? AND current = 1",
             {SqlParam(std::get<0>(v.key)), SqlParam(std::get<1>(v.key)),
              SqlParam(std::get<2>(v.key)), SqlParam(Poco::Int64(v.version))});
  }
  std::vector<SqlParam> p;
  for (const Planned& v : planned_) {
    for (const auto& [param, value] : v.resource->search) {
      for (SqlParam column : {SqlParam(std::get<0>(v.key)), SqlParam(std::get<1>(v.key)),
                              SqlParam(std::get<2>(v.key)), SqlParam(Poco::Int64(v.version)),
                              SqlParam(param), SqlParam(value)}) {
        p.push_back(std::move(column));
      }
    }
  }
  insertRows("INSERT INTO fhir_search (resource_type, id, organization, version, param, value) "
             "VALUES ",
             6, p, "");
  planned_.clear();
}

}  // namespace renkei::store

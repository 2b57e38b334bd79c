// Faxed forms waiting for a person (012_fax_documents.sql): kept once per organization and image,
// listed per organization and state, saved only over the version the reviewer saw.
#include "sql_statements.h"
#include "sql_store.h"

namespace renkei::store {
namespace {

constexpr const char* kColumns =
    "id, organization, source, name, sha256, state, form, reading, received_ms, updated_ms, updated_by, version, "
    "message_id";

FaxDocument documentFrom(const SqlRow& r) {
  FaxDocument d;
  d.id = integer(r[0]);
  d.organization = text(r[1]);
  d.source = text(r[2]);
  d.name = text(r[3]);
  d.sha256 = text(r[4]);
  d.state = text(r[5]);
  d.form = text(r[6]);
  d.reading = text(r[7]);
  d.receivedMs = integer(r[8]);
  d.updatedMs = integer(r[9]);
  d.updatedBy = text(r[10]);
  d.version = integer(r[11]);
  d.messageId = integer(r[12]);
  return d;
}

Poco::Data::BLOB blobOf(const std::string& bytes) {
  return Poco::Data::BLOB(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace

Result<FaxDocument> SqlStore::addFaxDocument(const FaxDocument& document) {
  ConnectionPool::Lease db = pool_->acquire();
  FaxDocument out;
  Status st = inTransaction(*db, [&] {
    const std::string select = std::string("SELECT ") + kColumns + " FROM fax_document WHERE organization = ? AND sha256 = ?";
    std::vector<SqlRow> rows = db->query(select, {document.organization, document.sha256});
    if (rows.empty()) {
      db->exec("INSERT INTO fax_document (organization, source, name, sha256, state, form, reading, image, "
               "received_ms, updated_ms, updated_by, version, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0)",
               {document.organization, document.source, document.name, document.sha256,
                document.state.empty() ? std::string(kFaxReview) : document.state, document.form, document.reading,
                blobOf(document.image), Poco::Int64(document.receivedMs), Poco::Int64(document.receivedMs),
                document.updatedBy});
      rows = db->query(select, {document.organization, document.sha256});
    }
    out = documentFrom(rows.at(0));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<FaxDocument>> SqlStore::faxDocuments(const std::string& organization, const std::string& state,
                                                        int64_t limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<FaxDocument> out;
  Status st = guarded([&] {
    std::string sql = std::string("SELECT ") + kColumns + " FROM fax_document WHERE 1 = 1";
    std::vector<SqlParam> p;
    if (!organization.empty()) {
      sql += " AND organization = ?";
      p.emplace_back(organization);
    }
    if (!state.empty()) {
      sql += " AND state = ?";
      p.emplace_back(state);
    }
    p.emplace_back(Poco::Int64(limit));
    for (const SqlRow& r : db->query(sql + " ORDER BY id LIMIT ?", p)) out.push_back(documentFrom(r));
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<FaxDocument>> SqlStore::faxDocument(int64_t id) {
  ConnectionPool::Lease db = pool_->acquire();
  std::optional<FaxDocument> out;
  Status st = guarded([&] {
    auto rows = db->query(std::string("SELECT ") + kColumns + " FROM fax_document WHERE id = ?", {Poco::Int64(id)});
    if (rows.empty()) return Status::okStatus();
    out = documentFrom(rows[0]);
    Poco::Data::BLOB image = db->blob("SELECT image FROM fax_document WHERE id = ?", {Poco::Int64(id)});
    out->image.assign(reinterpret_cast<const char*>(image.rawContent()), image.size());
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqlStore::updateFaxDocument(const FaxDocument& document) {
  ConnectionPool::Lease db = pool_->acquire();
  bool saved = false;
  Status st = inTransaction(*db, [&] {
    auto rows = db->query("SELECT version FROM fax_document WHERE id = ?", {Poco::Int64(document.id)});
    if (rows.empty()) return Status::notFound("no fax document " + std::to_string(document.id));
    if (integer(rows[0][0]) != document.version) return Status::okStatus();
    db->exec("UPDATE fax_document SET state = ?, form = ?, reading = ?, updated_ms = ?, updated_by = ?, "
             "message_id = ?, version = version + 1 WHERE id = ? AND version = ?",
             {document.state, document.form, document.reading, Poco::Int64(document.updatedMs), document.updatedBy,
              Poco::Int64(document.messageId), Poco::Int64(document.id), Poco::Int64(document.version)});
    saved = true;
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return saved;
}

}  // namespace renkei::store

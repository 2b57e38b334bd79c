// The patient registry's rows (011_patient_registry.sql): records written with the routing that
// decided them — never over a person's decision; a plan without a decision refreshes only what the
// record carries — and a person's decisions, each with its event.
#include "sql_statements.h"
#include "sql_store.h"

namespace renkei::store {
namespace {

constexpr const char* kLinkColumns =
    "organization, record, person, state, score, candidates, identifiers, patient, decided_by, "
    "updated_ms";

PatientLink linkFrom(const SqlRow& r) {
  return {text(r[0]), text(r[1]), text(r[2]), text(r[3]), integer(r[4]), text(r[5]),
          text(r[6]),  text(r[7]), text(r[8]), integer(r[9])};
}

std::vector<SqlParam> linkParams(const PatientLink& l) {
  return {l.organization, l.record,   l.person, l.state, Poco::Int64(l.score), l.candidates,
          l.identifiers,  l.patient,  l.decidedBy, Poco::Int64(l.updatedMs)};
}

void insertEvent(SqlDatabase& db, const MatchEvent& e) {
  db.exec("INSERT INTO match_event (at_ms, organization, record, action, person, actor, score, "
          "message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {Poco::Int64(e.atMs), e.organization, e.record, e.action, e.person, e.actor,
           Poco::Int64(e.score), Poco::Int64(e.messageId)});
}

}  // namespace

void SqlStore::patientLinkRows(SqlDatabase& db, const std::vector<RoutingOutcome>& outcomes,
                               const std::vector<std::size_t>& applied, int64_t nowMs) {
  for (std::size_t i : applied) {
    if (!outcomes[i].patientLink) continue;
    const PatientLinkPlan& plan = *outcomes[i].patientLink;
    const PatientLink& l = plan.link;
    // The machine's decision stands only where no person has decided.
    const std::vector<SqlRow> existing =
        db.query("SELECT decided_by FROM patient_link WHERE organization = ? AND record = ?",
                 {l.organization, l.record});
    const bool decided = !existing.empty() && !text(existing[0][0]).empty();
    // Nothing decided (what the record carries changed), or a person decided: refresh only.
    if (decided || (plan.action.empty() && !existing.empty())) {
      db.exec("UPDATE patient_link SET identifiers = ?, patient = ?, updated_ms = ? WHERE "
              "organization = ? AND record = ?",
              {l.identifiers, l.patient, Poco::Int64(nowMs), l.organization, l.record});
      continue;
    }
    std::vector<SqlParam> p = linkParams(l);
    p.back() = Poco::Int64(nowMs);
    db.exec(std::string("INSERT INTO patient_link (") + kLinkColumns +
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (organization, record) DO "
                "UPDATE SET person = excluded.person, state = excluded.state, score = "
                "excluded.score, candidates = excluded.candidates, identifiers = "
                "excluded.identifiers, patient = excluded.patient, updated_ms = excluded.updated_ms",
            p);
    if (!plan.action.empty()) {
      insertEvent(db, {0, nowMs, l.organization, l.record, plan.action, l.person, "renkei",
                       plan.score, outcomes[i].messageId});
    }
  }
}

Result<std::vector<PatientLink>> SqlStore::patientLinks(const PatientLinkFilter& f) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<PatientLink> out;
  Status st = guarded([&] {
    std::string where = " WHERE (organization > ? OR (organization = ? AND record > ?))";
    std::vector<SqlParam> p{f.afterOrganization, f.afterOrganization, f.afterRecord};
    if (!f.state.empty()) {
      where += " AND state = ?";
      p.emplace_back(f.state);
    }
    if (!f.person.empty()) {
      where += " AND person = ?";
      p.emplace_back(f.person);
    }
    if (!f.organization.empty() || !f.record.empty()) {
      where += " AND organization = ?";
      p.emplace_back(f.organization);
    }
    if (!f.record.empty()) {
      where += " AND record = ?";
      p.emplace_back(f.record);
    }
    p.emplace_back(Poco::Int64(f.limit));
    for (const SqlRow& r : db->query(std::string("SELECT ") + kLinkColumns + " FROM patient_link" +
                                         where + " ORDER BY organization, record LIMIT ?",
                                     p)) {
      out.push_back(linkFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqlStore::decidePatientLink(const PatientLink& link, const MatchEvent& event) {
  ConnectionPool::Lease db = pool_->acquire();
  return inTransaction(*db, [&] {
    const std::vector<SqlRow> existing =
        db->query("SELECT 1 FROM patient_link WHERE organization = ? AND record = ?",
                  {link.organization, link.record});
    if (existing.empty()) {
      return Status::notFound("no patient record " + link.record + " of " + link.organization +
                              " in the registry");
    }
    db->exec("UPDATE patient_link SET person = ?, state = ?, score = ?, candidates = ?, "
             "decided_by = ?, updated_ms = ? WHERE organization = ? AND record = ?",
             {link.person, link.state, Poco::Int64(link.score), link.candidates, link.decidedBy,
              Poco::Int64(link.updatedMs), link.organization, link.record});
    insertEvent(*db, event);
    return Status::okStatus();
  });
}

Result<std::vector<MatchEvent>> SqlStore::matchEvents(int64_t afterId, const std::string& record,
                                                      int64_t limit) {
  ConnectionPool::Lease db = pool_->acquire();
  std::vector<MatchEvent> out;
  Status st = guarded([&] {
    std::string where = " WHERE id > ?";
    std::vector<SqlParam> p{Poco::Int64(afterId)};
    if (!record.empty()) {
      where += " AND record = ?";
      p.emplace_back(record);
    }
    p.emplace_back(Poco::Int64(limit));
    for (const SqlRow& r : db->query(std::string("SELECT ") + kMatchEventColumns + " FROM match_event" +
                                         where + " ORDER BY id LIMIT ?",
                                     p)) {
      out.push_back(matchEventFrom(r));
    }
    return Status::okStatus();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace renkei::store

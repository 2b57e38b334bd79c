// `renkei patients --config FILE review|show|link|separate …`: the operator's side of the patient
// registry (works while the daemon runs): the records matching could not decide (REVIEW) and the
// masked ones (PENDING) with their candidates and reasons, one record with its person and history,
// and a person's decisions — link a record to a person, or separate it into a person of its own.
// Every decision is a match event with who made it; the daemon routes by it within check_ms.
#include <iostream>

#include <rapidjson/document.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/json_fields.h"
#include "renkei/core/time_text.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/pipeline/patient_registry.h"
#include "renkei/pipeline/pipeline.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei patients --config FILE review [--limit N]\n"
      "       renkei patients --config FILE show ORGANIZATION RECORD\n"
      "       renkei patients --config FILE link ORGANIZATION RECORD --to PERSON --by NAME\n"
      "       renkei patients --config FILE separate ORGANIZATION RECORD --by NAME\n"
      "\n"
      "The patient registry in the configured store (works while the daemon runs). A RECORD is a\n"
      "sender's patient as it names it: its identifier \"system|value\" (or Patient/id).\n"
      "  review    records waiting for a person: REVIEW (matching was unsure) and PENDING (a\n"
      "            masked name), each with its candidates, their scores and reasons\n"
      "  show      one record: its person, the person's other records, and every decision\n"
      "  link      makes the record part of PERSON (a person id from review or show)\n"
      "  separate  makes the record a person of its own (undoes a link)\n"
      "A person's decision is kept: matching never changes it. Prints patient names and birth\n"
      "dates: it is the operator's tool, like the store it reads.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to use\n"
      "  --limit N           review: at most N of each state (default 100)\n"
      "  --to PERSON         link: the person\n"
      "  --by NAME           link, separate: who decided (recorded)\n",
      {"config", "limit", "to", "by"},
      {}};
  return s;
}

/// "カナ 漢字 1942-03-09 female 131041" of a record's Patient.
std::string describe(const std::string& patientJson) {
  rapidjson::Document d;
  d.Parse(patientJson.c_str(), patientJson.size());
  if (d.HasParseError() || !d.IsObject()) return "-";
  const matching::PatientRecord r = matching::patientRecordFromFhir(d);
  std::string out = r.familyKana + " " + r.givenKana;
  if (!r.familyName.empty() || !r.givenName.empty()) out += " (" + r.familyName + " " + r.givenName + ")";
  return out + " " + (r.birthDate.empty() ? "-" : r.birthDate) + " " + (r.sex.empty() ? "-" : r.sex) +
         " " + (r.municipality.empty() ? r.postalCode : r.municipality);
}

void printCandidates(const std::string& candidatesJson) {
  rapidjson::Document d;
  d.Parse(candidatesJson.c_str(), candidatesJson.size());
  if (d.HasParseError() || !d.IsArray()) return;
  for (const auto& c : d.GetArray()) {
    std::cout << "    candidate " << json::str(c, "person") << "  " << json::str(c, "organization")
              << " " << json::str(c, "record") << "  score "
              << (c.HasMember("score") && c["score"].IsInt64() ? c["score"].GetInt64() : 0) << "  ";
    std::string reasons;
    json::each(c, "reasons", [&](const rapidjson::Value& r) {
      if (r.IsString()) reasons += (reasons.empty() ? "" : ", ") + std::string(r.GetString());
    });
    std::cout << reasons << '\n';
  }
}

void printLink(const store::PatientLink& l) {
  std::cout << l.state << '\t' << l.organization << '\t' << l.record << '\t' << l.person << '\t'
            << describe(l.patient) << '\t'
            << (l.decidedBy.empty() ? "matching" : "decided by " + l.decidedBy) << '\n';
}

Result<store::PatientLink> oneRecord(store::Store& store, const std::string& organization,
                                     const std::string& record) {
  store::PatientLinkFilter f;
  f.organization = organization;
  f.record = record;
  auto found = store.patientLinks(f);
  if (!found.ok()) return found.status();
  if (found->empty()) {
    return Status::notFound("no record " + record + " of " + organization + " in the registry");
  }
  return found->front();
}

int review(store::Store& store, int64_t limit) {
  for (const char* state : {store::kReview, store::kPending}) {
    store::PatientLinkFilter f;
    f.state = state;
    f.limit = limit;
    auto rows = store.patientLinks(f);
    if (!rows.ok()) {
      printError(rows.status().toString());
      return 1;
    }
    for (const store::PatientLink& l : rows.value()) {
      printLink(l);
      printCandidates(l.candidates);
    }
  }
  return 0;
}

int show(store::Store& store, const std::string& organization, const std::string& record) {
  auto link = oneRecord(store, organization, record);
  if (!link.ok()) {
    printError(link.status().toString());
    return 1;
  }
  printLink(link.value());
  printCandidates(link->candidates);
  store::PatientLinkFilter same;
  same.person = link->person;
  auto others = store.patientLinks(same);
  if (others.ok()) {
    for (const store::PatientLink& o : others.value()) {
      if (o.organization == organization && o.record == record) continue;
      std::cout << "  same person: ";
      printLink(o);
    }
  }
  auto events = store.matchEvents(0, record, 1000);
  if (events.ok()) {
    for (const store::MatchEvent& e : events.value()) {
      if (e.organization != organization) continue;
      std::cout << "  " << localDateTimeAt(e.atMs) << "  " << e.action << "  " << e.person << "  by "
                << e.actor << (e.messageId > 0 ? "  message " + std::to_string(e.messageId) : "")
                << '\n';
    }
  }
  return 0;
}

int decide(store::Store& store, const std::string& organization, const std::string& record,
           const std::string& person, const std::string& action, const std::string& by) {
  auto link = oneRecord(store, organization, record);
  if (!link.ok()) {
    printError(link.status().toString());
    return 1;
  }
  if (action == "link") {
    store::PatientLinkFilter f;
    f.person = person;
    f.limit = 1;
    auto members = store.patientLinks(f);
    if (!members.ok() || members->empty()) {
      printError("no person " + person + " in the registry (see review or show)");
      return 1;
    }
  }
  store::PatientLink decided = link.value();
  decided.person = person;
  decided.state = store::kLinked;
  decided.decidedBy = by;
  decided.updatedMs = pipeline::systemNowMs();
  Status st = store.decidePatientLink(
      decided, {0, decided.updatedMs, organization, record, action, person, "operator: " + by, 0, 0});
  if (!st.ok()) {
    printError(st.toString());
    return 1;
  }
  std::cout << action << ": " << organization << " " << record << " → " << person << '\n';
  return 0;
}

}  // namespace

int runPatients(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  const std::vector<std::string>& p = args.positionals();
  if (p.empty()) return usageError(spec(), "name an action");
  const std::string& action = p[0];
  if (action != "review" && action != "show" && action != "link" && action != "separate") {
    return usageError(spec(), "unknown action '" + action + "'");
  }
  if (action != "review" && p.size() != 3) return usageError(spec(), action + " needs ORGANIZATION RECORD");
  if ((action == "link" || action == "separate") && !args.has("by")) {
    return usageError(spec(), action + " needs --by NAME");
  }
  if (action == "link" && !args.has("to")) return usageError(spec(), "link needs --to PERSON");
  auto limit = args.integer("limit", 100);
  if (!limit.ok()) return usageError(spec(), limit.status().message());
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  store::Store& store = *configured->store;
  if (action == "review") return review(store, limit.value());
  if (action == "show") return show(store, p[1], p[2]);
  const std::string person =
      action == "link" ? args.get("to") : pipeline::personIdFor(p[1], p[2]);
  return decide(store, p[1], p[2], person, action, args.get("by"));
}

}  // namespace renkei::cli

// `renkei match --config FILE PATIENT`: matches a Patient (a FHIR JSON file, or the first Patient
// of a Bundle) against the current Patient copies of every organization in the configured store,
// and prints the decision with its candidates and their reasons as JSON (docs/matching.md).
#include <iostream>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/file_io.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/matching/patient_index.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei match --config FILE PATIENT.json\n"
      "\n"
      "Matches a Patient (a FHIR JSON file: a Patient, or the first Patient in a Bundle) against\n"
      "the Patients the configured store holds for every organization, and prints\n"
      "{\"decision\": \"link\" | \"review\" | \"new\", \"candidates\": [{\"patient\", \"organization\",\n"
      "\"score\", \"reasons\"}]}, best first. Works while the daemon runs.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config whose store to read\n",
      {"config"},
      {}};
  return s;
}

constexpr std::size_t kMaxPatientFileBytes = 16 << 20;
constexpr int64_t kPage = 5000;

}  // namespace

int runMatch(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (!args.has("config")) return usageError(spec(), "--config FILE is required");
  if (args.positionals().size() != 1) return usageError(spec(), "one PATIENT file is required");
  auto text = readFileLimited(args.positionals().front(), kMaxPatientFileBytes);
  if (!text.ok()) {
    printError(text.status().toString());
    return 2;
  }
  rapidjson::Document query;
  query.Parse(text.value().data(), text.value().size());
  const rapidjson::Value* patient = query.HasParseError() ? nullptr : matching::firstPatient(query);
  if (patient == nullptr) {
    printError(args.positionals().front() + " is not FHIR JSON holding a Patient");
    return 2;
  }
  auto configured = openConfiguredStore(args.get("config"));
  if (!configured) return 2;
  matching::PatientIndex index;
  std::string afterOrganization, afterId;
  for (;;) {
    auto page = configured->store->currentResources("Patient", afterOrganization, afterId, kPage);
    if (!page.ok()) {
      printError(page.status().toString());
      return 1;
    }
    for (const store::StoredResource& r : page.value()) {
      rapidjson::Document known;
      known.Parse(r.content.data(), r.content.size());
      if (!known.HasParseError()) {
        index.upsert(r.organization + "\n" + r.id, matching::patientRecordFromFhir(known));
      }
    }
    if (page.value().size() < static_cast<std::size_t>(kPage)) break;
    afterOrganization = page.value().back().organization;
    afterId = page.value().back().id;
  }
  const matching::MatchResult result = index.match(matching::patientRecordFromFhir(*patient));
  rapidjson::StringBuffer out;
  renkei::fhir::RunCopyingWriter w(out);
  w.StartObject();
  w.Key("decision");
  w.String(matching::toString(result.decision));
  w.Key("candidates");
  w.StartArray();
  for (const matching::MatchCandidate& c : result.candidates) {
    const std::size_t split = c.patientId.find('\n');
    w.StartObject();
    w.Key("patient");
    w.String(("Patient/" + c.patientId.substr(split + 1)).c_str());
    w.Key("organization");
    w.String(c.patientId.substr(0, split).c_str());
    w.Key("score");
    w.Double(c.score);
    w.Key("reasons");
    w.StartArray();
    for (const std::string& reason : c.reasons) w.String(reason.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::cout << out.GetString() << '\n';
  return 0;
}

}  // namespace renkei::cli

// Benchmark driver for care-team notifications (issue 14: events → notifications ≥ 2,000/s,
// durable). A SQLite store in a temporary folder holds a directory of PATIENTS patients, each with
// a family doctor (clinic, FHIR REST) and a care manager (office, the ward's folder). Then EVENTS
// events of these patients (the shipped discharge notice, a third of them admissions) go through
// the daemon's intake path (two source threads normalizing, validating and routing over the care
// directory; one group committer committing durably). Modes, in one run: "forward" (the care-team route copies the message to each
// member), "notify" (the same route with notify: urgent notifications with their Bundle, routine
// ones kept for the digest, one per fact) and "repeat" (the same events again from a second
// source: every fact told already). Then the digest round turns the routine notifications into
// one digest per recipient. "stated": like forward, but no CareTeam names the family doctor: each
// event's Patient names it (generalPractitioner by the clinic's code), so the route finds it in
// the directory and the pipeline keeps the statement as a CareTeam (written by a patient's first
// event, unchanged by the others). "registry": like forward, with the patient registry: every
// event's patient is matched against every record known (a patient's first event makes its record,
// the others find it unchanged). Prints one JSON line per mode.
// Usage: bench_notifications PATIENTS EVENTS
#include <atomic>
#include <chrono>
#include <thread>
#include <filesystem>
#include <iostream>
#include <string>

#include <unistd.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/care/care_team_lookup.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/default_sources.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/group_commit_intake.h"
#include "renkei/pipeline/intake.h"
#include "renkei/pipeline/metrics.h"
#include "renkei/pipeline/patient_registry.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/pipeline/write_intent.h"
#include "renkei/store/store.h"

namespace fs = std::filesystem;
using namespace renkei;

namespace {

const char* kMrn = "urn:oid:1.2.392.100495.20.3.51.11312345670";
/// The clinic's 医療機関コード, by which a message names it as the patient's かかりつけ医.
const char* kClinicCode = R"({"system":"urn:oid:1.2.392.100495.20.3.51.1","value":"1312345678"})";

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string patientValue(int k) { return "P" + std::to_string(100000 + k); }

/// Patient k's own name, birth date, phone and care-insurance number, so that matching sees a
/// population of distinct people (blocks of a few, as in a ward) rather than one person 5,000 times.
void personalize(rapidjson::Value& patient, int k, rapidjson::Document::AllocatorType& a) {
  static const char* kFamilies[][2] = {{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"},
                                       {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"},
                                       {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"},
                                       {"加藤", "カトウ"}, {"吉田", "ヨシダ"}, {"山田", "ヤマダ"}};
  static const char* kGivens[][2] = {{"花子", "ハナコ"}, {"幸子", "サチコ"}, {"和子", "カズコ"},
                                     {"節子", "セツコ"}, {"弘", "ヒロシ"}, {"清", "キヨシ"},
                                     {"茂", "シゲル"}, {"勇", "イサム"}, {"正子", "マサコ"},
                                     {"博", "ヒロシ"}, {"久子", "ヒサコ"}, {"実", "ミノル"}};
  const auto& family = kFamilies[k % 12];
  const auto& given = kGivens[(k / 12) % 12];
  auto& names = patient["name"];
  for (int n = 0; n < 2; ++n) {
    names[n]["family"].SetString(family[n], a);
    names[n]["given"][0].SetString(given[n], a);
    names[n]["text"].SetString((std::string(family[n]) + " " + given[n]).c_str(), a);
  }
  char text[32];
  std::snprintf(text, sizeof text, "131045:%010d", k);
  patient["identifier"][1]["value"].SetString(text, a);
  std::snprintf(text, sizeof text, "03-%04d-%04d", 3000 + k / 10000, k % 10000);
  patient["telecom"][0]["value"].SetString(text, a);
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", 1925 + k % 36, 1 + (k / 36) % 12, 1 + (k / 432) % 28);
  patient["birthDate"].SetString(text, a);
}

/// Event i of the run, about patient i % patients: every third one an admission (routine), the
/// others a discharge on or before today (urgent), each patient's on a day of its own.
/// `suffix` makes another source's copy of the same event a different input. `stated`: the
/// Patient names its かかりつけ医 (by the clinic's code) instead of a CareTeam saying so.
std::string event(const std::string& sample, int i, int patients, const std::string& suffix,
                  bool stated = false) {
  const int k = i % patients;
  const int day = 1 + (i / patients) % 28;
  rapidjson::Document d;
  d.Parse(sample.c_str());
  auto& a = d.GetAllocator();
  d["identifier"]["value"].SetString((std::to_string(i) + suffix).c_str(), a);
  for (auto& e : d["entry"].GetArray()) {
    auto& r = e["resource"];
    const std::string type = r["resourceType"].GetString();
    if (type == "Patient") {
      r["identifier"][0]["value"].SetString(patientValue(k).c_str(), a);
      personalize(r, k, a);
    }
    if (type == "Patient" && stated) {
      rapidjson::Document gp(&a);
      gp.Parse((std::string(R"([{"identifier":)") + kClinicCode + R"(,"display":"佐藤内科クリニック"}])").c_str());
      r.AddMember("generalPractitioner", rapidjson::Value(gp, a), a);
    }
    char date[40];
    std::snprintf(date, sizeof date, "2026-11-%02dT11:30:00+09:00", day);
    if (type == "Encounter" && i % 3 == 0) {
      r["status"] = "in-progress";
      r["period"]["start"].SetString(date, a);
      r["period"].RemoveMember("end");
      r.RemoveMember("hospitalization");
    }
    if (type == "Encounter" && i % 3 != 0) {
      r["period"]["start"] = "2026-10-01T10:00:00+09:00";
      r["period"]["end"].SetString(date, a);
    }
  }
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  d.Accept(w);
  return b.GetString();
}

store::RawInput put(const std::string& org, const std::string& type, const std::string& id,
                    const std::string& body) {
  pipeline::WriteIntent intent;
  intent.keepResources = true;
  intent.updateType = type;
  intent.updateId = id;
  return {"api", org, type + "/" + id, "",
          R"({"resourceType":")" + type + R"(","id":")" + id + "\"," + body + "}",
          pipeline::encodeWriteIntent(intent)};
}

struct Run {
  std::shared_ptr<store::Store> store;
  std::unique_ptr<pipeline::Pipeline> pipeline;
};

Run open(const fs::path& dir, const std::shared_ptr<const fhir::Definitions>& defs, bool notify,
         bool registry) {
  store::StoreConfig config;
  config.path = (dir / "store.db").string();
  Run run;
  run.store = std::shared_ptr<store::Store>(std::move(store::openStore(config)).value());
  auto normalizer = std::make_shared<const pipeline::Normalizer>(defs, fhirpath::makeValidator(defs),
                                                                 pipeline::NormalizeOptions{});
  routing::RouteRule rule;
  rule.name = "events-to-the-care-team";
  rule.events = {"admission", "discharge"};
  rule.careTeamRoles = {"family-doctor", "care-manager"};
  if (notify) rule.notify = care::NotifyPolicy{};
  auto router = routing::Router::compile({rule}, defs).value();
  pipeline::PipelineOptions options;
  options.owner = "bench";
  options.careTeams = std::make_shared<care::CareTeamLookup>(
      run.store, std::set<std::string>{"clinic-fhir", "ward-folder"}, 60000);
  if (registry) {
    options.patients =
        std::make_shared<pipeline::PatientRegistry>(run.store, matching::MatchThresholds{}, 60000);
  }
  run.pipeline = std::make_unique<pipeline::Pipeline>(
      run.store, normalizer, router, std::map<std::string, std::shared_ptr<pipeline::Sink>>{},
      options, std::make_shared<pipeline::Metrics>(), pipeline::systemNowMs);
  return run;
}

/// The clinic, the care office and each patient's care team; `stated`: no CareTeam names the
/// family doctor (the events do).
void directory(pipeline::Pipeline& p, int patients, bool stated) {
  std::vector<store::RawInput> batch = {
      put("clinic-b", "Endpoint", "ep",
          R"("status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"https://clinic.example/fhir","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"clinic-fhir"}])"),
      put("clinic-b", "Organization", "clinic",
          std::string(R"("name":"佐藤内科クリニック","identifier":[)") + kClinicCode +
              R"(],"endpoint":[{"reference":"Endpoint/ep"}])"),
      put("office-c", "Endpoint", "ep",
          R"("status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"file:///srv/ward","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"ward-folder"}])"),
      put("office-c", "Organization", "office", R"("name":"居宅介護支援センターC","endpoint":[{"reference":"Endpoint/ep"}])")};
  for (int k = 0; k < patients; ++k) {
    const std::string subject =
        R"("status":"active","subject":{"identifier":{"system":")" + std::string(kMrn) +
        R"(","value":")" + patientValue(k) + R"("}},)";
    if (!stated) {
      batch.push_back(put("clinic-b", "CareTeam", "t" + std::to_string(k),
                          subject + R"("participant":[{"role":[{"text":"かかりつけ医"}],"member":{"reference":"Organization/clinic"}}])"));
    }
    batch.push_back(put("office-c", "CareTeam", "t" + std::to_string(k),
                        subject + R"("participant":[{"role":[{"text":"ケアマネジャー"}],"member":{"reference":"Organization/office"}}])"));
    if (batch.size() >= 256 || k + 1 == patients) {
      p.submitPrepared(pipeline::prepareAll(p, std::move(batch)));
      batch.clear();
    }
  }
}

/// Submits the events as the daemon's sources do: two source threads, each preparing (normalize,
/// validate, route) its batches of 32 in its own thread and handing them to one group committer
/// (at most 256 inputs a transaction). Returns events/s.
double submit(pipeline::Pipeline& p, const std::string& sample, int events, const std::string& source,
              const std::string& suffix, int patients, bool stated = false) {
  pipeline::GroupCommitIntake intake(p, 256);
  const auto start = std::chrono::steady_clock::now();
  std::atomic<bool> failed{false};
  auto producer = [&](int first) {
    std::vector<store::RawInput> batch;
    for (int i = first; i < events; i += 2) {
      batch.push_back({source, "hospital-a", "e" + std::to_string(i), "",
                       event(sample, i, patients, suffix, stated), ""});
      if (batch.size() == 32 || i + 2 >= events) {
        for (const pipeline::SubmitResult& r : intake.submit(std::move(batch))) {
          if (!r.committed.ok() || r.state == store::kFailed) {
            std::cerr << "bench: an event failed: " << r.error << '\n';
            failed = true;
          }
        }
        batch.clear();
      }
    }
  };
  std::thread a(producer, 0), b(producer, 1);
  a.join();
  b.join();
  if (failed) std::exit(1);
  return events / secondsSince(start);
}

int64_t count(store::Store& s, const char* state) {
  return static_cast<int64_t>(s.notifications({state, 10'000'000}).value().size());
}

}  // namespace

int main(int argc, char** argv) {
  const int patients = argc > 1 ? std::stoi(argv[1]) : 5000;
  const int events = argc > 2 ? std::stoi(argv[2]) : 20000;
  auto defs = fhir::loadDefinitions(fhir::defaultDefinitionSources()).value();
  auto sample = readFileLimited((fs::path(RENKEI_SOURCE_DIR) / "samples/fhir/Bundle-discharge-notice.json").string());
  if (!sample.ok()) return 2;
  for (const std::string mode : {"forward", "notify", "stated", "registry"}) {
    const bool notify = mode == "notify", stated = mode == "stated", registry = mode == "registry";
    const fs::path dir = fs::temp_directory_path() / ("renkei-bench-notify-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    Run run = open(dir, defs, notify, registry);
    directory(*run.pipeline, patients, stated);
    const int64_t commitsBefore = run.store->commitCount();
    const double perSecond =
        submit(*run.pipeline, sample.value(), events, "hospital-a-inbox", "", patients, stated);
    const int64_t rows = static_cast<int64_t>(run.store->outbox({"", "", 10'000'000}).value().size());
    std::cout << R"({"mode":")" << mode << R"(","patients":)" << patients
              << R"(,"events":)" << events << R"(,"events_per_s":)" << static_cast<int64_t>(perSecond)
              << R"(,"deliveries_queued":)" << rows << R"(,"commits":)"
              << run.store->commitCount() - commitsBefore;
    if (notify) {
      std::cout << R"(,"urgent":)" << count(*run.store, store::kAwaiting) << R"(,"routine":)"
                << count(*run.store, store::kInDigest) << "}\n";
      const double again = submit(*run.pipeline, sample.value(), events, "hospital-a-ehr", "-ehr", patients);
      std::cout << R"({"mode":"repeat","events":)" << events << R"(,"events_per_s":)"
                << static_cast<int64_t>(again) << R"(,"notifications":)"
                << run.store->notifications({"", 10'000'000}).value().size() << "}\n";
      const int64_t routine = count(*run.store, store::kInDigest);
      if (!run.store->digestNow(pipeline::systemNowMs()).ok()) return 1;
      const auto start = std::chrono::steady_clock::now();
      int64_t handled = 0;
      for (;;) {
        auto n = run.pipeline->sendNotifications();
        if (!n.ok() || n.value() == 0) break;
        handled += n.value();
      }
      const double seconds = secondsSince(start);
      std::cout << R"({"mode":"digest","routine":)" << routine << R"(,"handled":)" << handled
                << R"(,"digests":)" << run.store->outbox({"", "", 10'000'000}).value().size() - rows
                << R"(,"notifications_per_s":)" << static_cast<int64_t>(handled / seconds) << "}\n";
    } else {
      std::cout << "}\n";
    }
    run.pipeline.reset();
    run.store.reset();
    fs::remove_all(dir);
  }
  return 0;
}

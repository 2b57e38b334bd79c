// The daemon's pipeline with one care-team route over a real SQLite store, for the care routing
// tests: the directory, care teams and consents are written the way the FHIR API writes them
// (kept, client-named resources under each organization).
#pragma once

#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "pipeline/pipeline_fixture.h"
#include "renkei/care/care_team_lookup.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/patient_registry.h"
#include "renkei/pipeline/write_intent.h"
#include "support/test_env.h"

namespace renkei::test {

class CarePipelineFixture : public PipelineFixture {
 protected:
  /// A route "care" to the members in `roles` (fallback sinks `fallback`) over the channels.
  void buildCare(std::vector<std::string> roles, std::vector<std::string> fallback,
                 std::set<std::string> channels, care::ConsentPolicy policy = {}) {
    pipeline::registerBuiltinAdapters(registry_);
    store::StoreConfig config;
    config.path = (dir_.path() / "store.db").string();
    store_ = std::shared_ptr<store::Store>(std::move(store::openStore(config)).value());
    auto defs = coreDefinitions();
    normalizer_ = std::make_shared<const pipeline::Normalizer>(
        defs, fhirpath::makeValidator(defs), pipeline::NormalizeOptions{});
    routing::RouteRule rule;
    rule.name = "care";
    rule.careTeamRoles = std::move(roles);
    rule.careTeamFallback = std::move(fallback);
    router_ = routing::Router::compile({rule}, defs).value();
    lookup_ = std::make_shared<care::CareTeamLookup>(store_, std::move(channels), 60000,
                                                     std::move(policy));
    pipeline::PipelineOptions options;
    options.owner = "test";
    options.careTeams = lookup_;
    if (withRegistry_) {
      patients_ = std::make_shared<pipeline::PatientRegistry>(store_, matching::MatchThresholds{}, 60000);
      options.patients = patients_;
    }
    auto clock = clock_;
    pipeline_ = std::make_unique<pipeline::Pipeline>(store_, normalizer_, router_, sinks_, options,
                                                     metrics_, [clock] { return clock->load(); });
  }

  /// Family-doctor routing through a patient registry, and the ward desk's directory entry of 田端内科
  /// (known by its phone, reached over FHIR on "clinic-fhir").
  void buildWithRegistryAndClinic() {
    withRegistry_ = true;
    buildCare({"family-doctor"}, {"desk"}, {"clinic-fhir", "desk"});
    put("ward-desk", R"({"resourceType":"Endpoint","id":"ep-clinic","status":"active","connectionType":{"code":"hl7-fhir-rest"},"payloadType":[{"text":"x"}],"address":"https://clinic.example/fhir","identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"clinic-fhir"}]})");
    put("ward-desk", R"({"resourceType":"Organization","id":"clinic-tabata","name":"田端内科","telecom":[{"system":"phone","value":"03-3905-1111"}],"endpoint":[{"reference":"Endpoint/ep-clinic"}]})");
  }

  /// `org` PUTs the resource (its id from the JSON) as the FHIR API does.
  void put(const std::string& org, const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    pipeline::WriteIntent intent;
    intent.keepResources = true;
    intent.updateType = d["resourceType"].GetString();
    intent.updateId = d["id"].GetString();
    auto r = pipeline_->submit({{"api", org, intent.updateType + "/" + intent.updateId, "",
                                 json, pipeline::encodeWriteIntent(intent)}});
    ASSERT_TRUE(r[0].committed.ok());
    ASSERT_NE(r[0].state, store::kFailed) << r[0].error;
  }

  /// `sender`'s message (JSON) through the pipeline, as a folder source submits it.
  pipeline::SubmitResult send(const std::string& sender, const std::string& bytes, const std::string& key) {
    auto r = pipeline_->submit({{"inbox", sender, key + ".json", key, bytes}});
    EXPECT_TRUE(r[0].committed.ok());
    EXPECT_NE(r[0].state, store::kFailed) << r[0].error;
    return r[0];
  }

  /// The destination of each delivery of message `id`.
  std::vector<std::string> destinationsOf(int64_t id) {
    std::vector<std::string> out;
    const std::vector<store::OutboxRow> rows = store_->outbox({}).value();
    for (const store::OutboxRow& row : rows) {
      if (row.messageId == id) out.push_back(row.destination);
    }
    return out;
  }

  std::shared_ptr<care::CareTeamLookup> lookup_;
  bool withRegistry_ = false;  ///< set before buildCare: route through a patient registry
  std::shared_ptr<pipeline::PatientRegistry> patients_;
};

}  // namespace renkei::test

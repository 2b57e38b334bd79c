// The fixture of the FHIR API tests: a real pipeline and store behind an FhirApi with three
// clients (org-a writes and reads everything, org-b reads Patients, org-c writes slowly).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>
#include <string>

#include <rapidjson/document.h>

#include "pipeline/pipeline_fixture.h"
#include "renkei/core/digest.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/fhir_api/fhir_api.h"
#include "support/test_env.h"

namespace renkei::test {

using fhir_api::ApiRequest;
using fhir_api::ApiResponse;

/// A POST of FHIR JSON with client token-a (or `token`; empty: no Authorization).
inline ApiRequest post(const std::string& path, const std::string& body,
                       const std::string& token = "token-a") {
  ApiRequest r;
  r.method = "POST";
  r.path = path;
  r.body = body;
  r.headers["content-type"] = "application/fhir+json";
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  return r;
}

class FhirApiTest : public PipelineFixture {
 protected:
  void SetUp() override {
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
    clients_.Parse((R"([{"id": "hospital-a", "organization": "org-a", "token_sha256": ")" +
                    sha256Hex("token-a") +
                    R"(", "scopes": ["system/*.write", "system/*.read"]}, {"id": "reader", "organization": "org-b", "token_sha256": ")" +
                    sha256Hex("token-b") + R"(", "scopes": ["system/Patient.read"]}, {"id": "slow", "organization": "org-c", "token_sha256": ")" +
                    sha256Hex("token-c") + R"(", "scopes": ["system/*.write"], "requests_per_second": 2}])")
                       .c_str());
    api_ = makeApi(pipeline_.get());
  }
  std::unique_ptr<fhir_api::FhirApi> makeApi(pipeline::Intake* intake,
                                             fhir_api::Recipients recipients = {}) {
    auto defs = coreDefinitions();
    return std::make_unique<fhir_api::FhirApi>("hospital", "/fhir",
                                               std::make_shared<const fhir_api::ApiClients>(clients_),
                                               defs, fhirpath::makeValidator(defs), intake, store_,
                                               nullptr, true, std::move(recipients));
  }
  std::size_t messages() { return store_->outbox({})->size(); }

  /// Two gateways, each with its own connection to one fresh PostgreSQL database.
  struct TwoGateways {
    std::shared_ptr<store::Store> storeA, storeB;
    std::unique_ptr<pipeline::Pipeline> pipelineA, pipelineB;
    std::unique_ptr<fhir_api::FhirApi> apiA, apiB;
  };
  /// nullopt (with `why`) when no PostgreSQL is configured for the tests.
  std::optional<TwoGateways> twoGatewaysOnPostgres(std::string& why) {
    auto config = freshStoreConfig("postgres", why);
    if (!config) return std::nullopt;
    auto a = store::openStore(*config);
    auto b = store::openStore(*config);
    if (!a.ok() || !b.ok()) {
      why = "cannot open the PostgreSQL store twice";
      return std::nullopt;
    }
    TwoGateways g;
    g.storeA = std::move(a).value();
    g.storeB = std::move(b).value();
    g.pipelineA = pipelineOver(g.storeA, "gateway-a");
    g.pipelineB = pipelineOver(g.storeB, "gateway-b");
    g.apiA = makeApi(g.pipelineA.get());
    g.apiB = makeApi(g.pipelineB.get());
    return g;
  }

  rapidjson::Document clients_;
  std::unique_ptr<fhir_api::FhirApi> api_;
};

inline ApiRequest get(const std::string& path, const std::string& token) {
  ApiRequest r;
  r.method = "GET";
  r.path = path;
  r.headers["authorization"] = "Bearer " + token;
  return r;
}

/// Sends `requests` to `apis` (round robin), every thread released at the same moment; returns
/// the statuses in request order.
inline std::vector<int> sendTogether(const std::vector<fhir_api::FhirApi*>& apis,
                                     const std::vector<ApiRequest>& requests) {
  std::vector<int> statuses(requests.size());
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      statuses[i] = apis[i % apis.size()]->handle(requests[i]).status;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  return statuses;
}

}  // namespace renkei::test

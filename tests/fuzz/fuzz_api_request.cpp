// Fuzz target: whole requests to the hospitals' endpoint (FhirApi over a real pipeline and an
// SQLite store in a temporary folder). Input: "METHOD /path?query" on the first line, then
// "name: value" header lines, a blank line, and the body. Whatever arrives, the answer must be
// an HTTP status with an OperationOutcome for every failure — never a crash, a hang or a throw.
// Subscriptions are served (their criteria, endpoints and headers are outside input too), and
// every accepted write is matched against the active ones; every patient goes through the patient
// registry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include "renkei/core/digest.h"
#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/definitions.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/normalizer.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/routing/router.h"
#include "renkei/store/store.h"
#include "renkei/fhir_api/fhir_api.h"

namespace {

using namespace renkei;

struct Endpoint {
  std::shared_ptr<store::Store> store;
  std::unique_ptr<pipeline::Pipeline> pipeline;
  std::unique_ptr<fhir_api::FhirApi> api;
};

std::filesystem::path& storeDir() {
  static std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                     ("renkei-fuzz-api-" + std::to_string(::getpid()));
  return dir;
}

Endpoint& endpoint() {
  static Endpoint* e = [] {
    auto* out = new Endpoint;
    auto defs = fhir::loadDefinitions(fhir::defaultDefinitionSources());
    if (!defs.ok()) __builtin_trap();
    const std::filesystem::path dir = storeDir();
    std::filesystem::create_directories(dir);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(storeDir(), ignored);
    });
    store::StoreConfig config;
    config.path = (dir / "store.db").string();
    auto opened = store::openStore(config);
    if (!opened.ok()) __builtin_trap();
    out->store = std::shared_ptr<store::Store>(std::move(opened).value());
    auto validator = fhirpath::makeValidator(defs.value());
    auto normalizer = std::make_shared<const pipeline::Normalizer>(defs.value(), validator,
                                                                   pipeline::NormalizeOptions{});
    routing::RouteRule all;
    all.name = "all";
    all.destinations = {"nowhere"};
    auto router = routing::Router::compile({all}, defs.value());
    if (!router.ok()) __builtin_trap();
    pipeline::PipelineOptions options;
    options.owner = "fuzz";
    auto subscriptions = std::make_shared<pipeline::SubscriptionPolicy>();
    subscriptions->endpoints["org-f"] = {"https://hook.example/"};
    subscriptions->destinations["org-f"] = {"nowhere"};
    options.subscriptions =
        std::make_shared<pipeline::SubscriptionLookup>(out->store, *subscriptions, 1000);
    options.patients = std::make_shared<pipeline::PatientRegistry>(out->store,
                                                                   matching::MatchThresholds{}, 1000);
    out->pipeline = std::make_unique<pipeline::Pipeline>(
        out->store, normalizer, router.value(), std::map<std::string, std::shared_ptr<pipeline::Sink>>{},
        options, std::make_shared<pipeline::Metrics>(), [] { return int64_t{1'763'700'000'000}; });
    rapidjson::Document clients;
    clients.Parse((R"([{"id": "fuzz", "organization": "org-f", "token_sha256": ")" +
                   sha256Hex("t") + R"(", "scopes": ["system/*.*"]}])").c_str());
    out->api = std::make_unique<fhir_api::FhirApi>(
        "hospital", "/fhir", std::make_shared<const fhir_api::ApiClients>(clients), defs.value(),
        validator, out->pipeline.get(), out->store, nullptr, true,
        fhir_api::Recipients{{"org-f", {"nowhere"}}});
    out->api->setPublicUrl("https://fuzz");
    out->api->setSubscriptionPolicy(subscriptions);
    return out;
  }();
  return *e;
}

std::string line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  std::string out(text.substr(0, end));
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // the endpoint's own limit is tested elsewhere
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fhir_api::ApiRequest request;
  const std::string first = line(text);
  const std::size_t space = first.find(' ');
  request.method = first.substr(0, space);
  const std::string target = space == std::string::npos ? "" : first.substr(space + 1);
  const std::size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string::npos) request.query = target.substr(q + 1);
  request.headers["authorization"] = "Bearer t";
  request.headers["content-type"] = "application/fhir+json";
  for (std::string header = line(text); !header.empty(); header = line(text)) {
    const std::size_t colon = header.find(':');
    if (colon == std::string::npos) continue;
    std::string name = header.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    request.headers[name] = value;
  }
  request.body = std::string(text);
  const fhir_api::ApiResponse response = endpoint().api->handle(request);
  if (response.status < 200 || response.status > 599) __builtin_trap();
  if (response.status >= 400 && response.body.find("OperationOutcome") == std::string::npos) {
    __builtin_trap();  // every failure says why
  }
  return 0;
}

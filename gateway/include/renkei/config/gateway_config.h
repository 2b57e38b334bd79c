// The gateway's config file: JSON with comments, checked against gateway.schema.json and each
// adapter's own schema, plus cross-references (routes → sources and sinks, FHIRPath conditions,
// municipalities). Every error is reported with its JSON pointer, all at once, before anything
// opens a port or a folder.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/care/care_directory.h"
#include "renkei/care/consent.h"
#include "renkei/core/status.h"
#include "renkei/mapping/mapping.h"
#include "renkei/pipeline/adapter_registry.h"
#include "renkei/pipeline/retry_policy.h"
#include "renkei/pipeline/subscriptions.h"
#include "renkei/routing/router.h"
#include "renkei/store/store.h"

namespace renkei::config {

struct ConfigError {
  std::string pointer;  ///< JSON pointer into the config, e.g. "/sinks/hospital/timeout_ms"
  std::string message;
};

struct GatewayConfig {
  std::shared_ptr<rapidjson::Document> document;  ///< owns the adapter config objects
  std::string instanceName;
  std::string dataDir;
  store::StoreConfig store;
  std::string adminListen;  ///< "host:port"; empty: no admin endpoint
  std::string logLevel = "info";
  std::string logFile;      ///< empty: standard error
  std::vector<std::string> profiles;
  std::vector<std::string> packages;
  bool rejectInvalid = true;
  int workers = 2;
  int batch = 64;
  int64_t leaseMs = 30000;
  int64_t pollMs = 50;
  pipeline::RetryPolicy retry;
  int64_t retentionRawDays = 0;  ///< 0: keep raw inputs forever
  /// How often routing asks the store whether another instance changed the care directory.
  int64_t careDirectoryCheckMs = 1000;
  /// Whose care-team statements count (config "care.trust").
  care::TrustPolicy careTrust;
  /// When care-team deliveries need the patient's Consent (config "consent").
  care::ConsentPolicy consent;
  /// The patient registry (config "patients.registry"): on by default when a route names
  /// care-team roles, since it is what lets them find a patient across senders' identifiers.
  bool patientRegistry = false;
  int64_t patientRegistryCheckMs = 1000;
  /// Clients' rest-hook Subscriptions (config "subscriptions"); null: none are served.
  std::shared_ptr<const pipeline::SubscriptionPolicy> subscriptions;
  const rapidjson::Value* subscriptionsConfig = nullptr;  ///< for the rest_hook sink
  int64_t subscriptionCheckMs = 1000;
  /// The mappings that sources name ("mapping"), loaded from mappings_dir (default: the shipped
  /// mappings/); null when no source uses one and mappings_dir is not set.
  std::shared_ptr<const mapping::MappingSet> mappings;
  std::vector<std::pair<std::string, const rapidjson::Value*>> sources;
  std::vector<std::pair<std::string, const rapidjson::Value*>> sinks;
  std::vector<routing::RouteRule> routes;
};

/// Parses and checks a config text; relative paths resolve against `baseDir`. On failure every
/// error found is in `errors` and the result is InvalidInput.
Result<GatewayConfig> parseConfig(std::string_view text, const std::string& baseDir,
                                  const pipeline::AdapterRegistry& registry,
                                  std::vector<ConfigError>& errors);
Result<GatewayConfig> loadConfig(const std::string& path, const pipeline::AdapterRegistry& registry,
                                 std::vector<ConfigError>& errors);

}  // namespace renkei::config

// Explicit adapter registration (no static initialisers): each adapter exports a
// registerXxx(AdapterRegistry&) that adds its type name, its config JSON Schema and its factory.
// The config checker validates every source and sink against its adapter's schema before any
// factory runs, so factories see only well-formed config.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/core/status.h"
#include "renkei/fhir/definitions.h"
#include "renkei/mapping/mapping.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/pipeline/intake.h"
#include "renkei/pipeline/metrics.h"
#include "renkei/pipeline/sink.h"
#include "renkei/pipeline/subscriptions.h"

namespace renkei::pipeline {

/// A running input: started after the pipeline, stopped (and drained) before it.
class Source {
 public:
  virtual ~Source() = default;
  virtual Status start() = 0;
  virtual void stop() = 0;
};

struct AdapterContext {
  std::string name;                  ///< the configured name
  const rapidjson::Value* config;    ///< the adapter's object, already schema-valid
  std::shared_ptr<const fhir::Definitions> definitions;
  Intake* intake = nullptr;          ///< sources submit here
  std::shared_ptr<Metrics> metrics;
  std::shared_ptr<store::Store> store;  ///< for sources that keep their own records (audit)
  std::shared_ptr<const mapping::MappingSet> mappings;  ///< for sources that read mapped layouts
  /// The subscriptions policy (null: none served): the FHIR endpoint checks Subscriptions
  /// against it, the rest_hook sink calls only the endpoints it allows.
  std::shared_ptr<const SubscriptionPolicy> subscriptions = nullptr;
};

using SinkFactory = std::function<Result<std::shared_ptr<Sink>>(const AdapterContext&)>;
using SourceFactory = std::function<Result<std::shared_ptr<Source>>(const AdapterContext&)>;

struct AdapterType {
  std::string_view schema;  ///< JSON Schema of the adapter's config object
  SinkFactory makeSink;
  SourceFactory makeSource;
};

class AdapterRegistry {
 public:
  void addSink(std::string type, std::string_view schema, SinkFactory factory);
  void addSource(std::string type, std::string_view schema, SourceFactory factory);
  const AdapterType* sink(std::string_view type) const;
  const AdapterType* source(std::string_view type) const;
  const std::map<std::string, AdapterType, std::less<>>& sinks() const { return sinks_; }
  const std::map<std::string, AdapterType, std::less<>>& sources() const { return sources_; }

 private:
  std::map<std::string, AdapterType, std::less<>> sinks_;
  std::map<std::string, AdapterType, std::less<>> sources_;
};

/// Every adapter built into this binary (adapters/builtin_adapters.cpp).
void registerBuiltinAdapters(AdapterRegistry& registry);

/// Typed reads of schema-checked config members, with defaults for optional ones.
std::string configString(const rapidjson::Value& v, const char* key, std::string fallback = "");
int64_t configInt(const rapidjson::Value& v, const char* key, int64_t fallback);
bool configBool(const rapidjson::Value& v, const char* key, bool fallback);
/// The strings of an array member (other values left out); empty when absent.
std::vector<std::string> configStrings(const rapidjson::Value& v, const char* key);
/// An object of mapping parameters (`mapping_parameters`), empty when absent; InvalidInput for a
/// key or value the parameters do not allow.
Result<mapping::MappingParameters> configMappingParameters(const rapidjson::Value& v, const char* key);

}  // namespace renkei::pipeline

// Config parsing and checking. RapidJSON 1.1's schema validator stops at the first error, so the
// document is checked piece by piece (each top-level member, each route, each source and sink
// against its adapter's schema) to report every error in one run.
#include "renkei/config/gateway_config.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "notify_config.h"
#include "renkei/care/care_roles.h"
#include "renkei/core/file_io.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::embedded {
extern const std::string_view kGatewayConfigSchema;
}

namespace renkei::config {
namespace {

using rapidjson::Value;
constexpr unsigned kParseFlags = rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag |
                                 rapidjson::kParseValidateEncodingFlag;

std::string pointerText(const rapidjson::Pointer& p) {
  rapidjson::StringBuffer sb;
  p.Stringify(sb);
  return sb.GetString();
}

std::string escapeToken(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

/// Validates `value` (at `at` in the config) against `schemaJson`; appends its first error with
/// the rule it breaks.
void check(const Value& value, const Value& schemaJson, const std::string& at,
           std::vector<ConfigError>& errors) {
  rapidjson::SchemaDocument schema(schemaJson);
  rapidjson::SchemaValidator validator(schema);
  if (value.Accept(validator)) return;
  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const std::string docPointer = pointerText(validator.GetInvalidDocumentPointer());
  const std::string where = at + docPointer;
  if (keyword == "additionalProperties") {
    // RapidJSON points at the offending member itself.
    errors.push_back({where, "unknown key"});
    return;
  }
  std::string message = "violates '" + keyword + "'";
  const Value* rule = validator.GetInvalidSchemaPointer().Get(const_cast<Value&>(schemaJson));
  if (rule != nullptr) {
    auto k = rule->FindMember(keyword.c_str());
    if (k != rule->MemberEnd()) {
      rapidjson::StringBuffer sb;
      renkei::fhir::RunCopyingWriter w(sb);
      k->value.Accept(w);
      message += " (" + keyword + ": " + std::string(sb.GetString()).substr(0, 200) + ")";
    }
  }
  errors.push_back({where.empty() ? "/" : where, message});
}

std::string absolute(const std::string& path, const std::string& baseDir) {
  if (path.empty() || path[0] == '/') return path;
  return (std::filesystem::path(baseDir) / path).lexically_normal().string();
}

/// Members named "path" or "*_file" in an adapter's config resolve against the config's folder.
void resolvePaths(Value& v, const std::string& baseDir, rapidjson::Document::AllocatorType& a) {
  if (!v.IsObject()) return;
  for (auto& m : v.GetObject()) {
    const std::string key = m.name.GetString();
    if (m.value.IsString() &&
        (key == "path" || (key.size() > 5 && key.compare(key.size() - 5, 5, "_file") == 0))) {
      m.value.SetString(absolute(m.value.GetString(), baseDir).c_str(), a);
    } else if (m.value.IsObject()) {
      resolvePaths(m.value, baseDir, a);
    }
  }
}

/// Loads mappings_dir (or the shipped mappings) when it is set or a source names a mapping:
/// every error of every mapping, and every source's mapping that is not there.
void loadMappings(const Value& doc, const std::string& baseDir, GatewayConfig& config,
                  std::vector<ConfigError>& errors) {
  std::vector<std::pair<std::string, std::string>> wanted;  // "/sources/a" or "/sinks/b" → mapping
  for (const auto& [name, value] : config.sources) {
    if (value->HasMember("mapping")) wanted.emplace_back("/sources/" + escapeToken(name), (*value)["mapping"].GetString());
  }
  for (const auto& [name, value] : config.sinks) {
    if (value->HasMember("mapping")) wanted.emplace_back("/sinks/" + escapeToken(name), (*value)["mapping"].GetString());
  }
  if (wanted.empty() && !doc.HasMember("mappings_dir")) return;
  const std::string dir = doc.HasMember("mappings_dir")
                              ? absolute(doc["mappings_dir"].GetString(), baseDir)
                              : mapping::defaultMappingsDir();
  std::vector<mapping::MappingError> problems;
  auto set = std::make_shared<mapping::MappingSet>(mapping::MappingSet::load(dir, problems));
  for (const auto& p : problems) {
    errors.push_back({"/mappings_dir", p.file + (p.pointer.empty() ? "" : " " + p.pointer) + ": " + p.message});
  }
  for (const auto& [at, id] : wanted) {
    const bool isSink = at.rfind("/sinks/", 0) == 0;
    if ((id != "auto" || isSink) && set->byId(id) == nullptr) {
      errors.push_back({at + "/mapping", "no mapping '" + id + "' in " + dir});
    }
  }
  config.mappings = std::move(set);
}

void checkAdapters(const Value& root, const char* section, bool sinks,
                   const pipeline::AdapterRegistry& registry, std::vector<ConfigError>& errors,
                   std::vector<std::pair<std::string, const Value*>>& out) {
  auto it = root.FindMember(section);
  if (it == root.MemberEnd() || !it->value.IsObject()) return;
  for (const auto& m : it->value.GetObject()) {
    const std::string name = m.name.GetString();
    const std::string at = std::string("/") + section + "/" + escapeToken(name);
    if (!m.value.IsObject() || !m.value.HasMember("type") || !m.value["type"].IsString()) continue;
    const std::string type = m.value["type"].GetString();
    const pipeline::AdapterType* adapter = sinks ? registry.sink(type) : registry.source(type);
    if (adapter == nullptr) {
      std::string known;
      for (const auto& [k, v] : sinks ? registry.sinks() : registry.sources()) {
        known += (known.empty() ? "" : ", ") + k;
      }
      errors.push_back({at + "/type", "unknown " + std::string(sinks ? "sink" : "source") +
                                          " type '" + type + "' (known: " + known + ")"});
      continue;
    }
    if (sinks && (name == pipeline::kSubscriptionDestination || type == "rest_hook")) {
      errors.push_back({at, std::string("the sink name '") + pipeline::kSubscriptionDestination +
                                "' and the type rest_hook are the gateway's own: configure "
                                "\"subscriptions\" instead"});
      continue;
    }
    rapidjson::Document schema;
    schema.Parse(adapter->schema.data(), adapter->schema.size());
    check(m.value, schema, at, errors);
    out.emplace_back(name, &m.value);
  }
}

/// The subscriptions policy: the operator's endpoints, and what each organization sees through the
/// FHIR endpoints' `recipients`.
void readSubscriptions(const Value& doc, GatewayConfig& config) {
  auto it = doc.FindMember("subscriptions");
  if (it == doc.MemberEnd() || !it->value.IsObject()) return;
  auto policy = std::make_shared<pipeline::SubscriptionPolicy>();
  auto endpoints = it->value.FindMember("endpoints");
  if (endpoints != it->value.MemberEnd() && endpoints->value.IsObject()) {
    for (const auto& [organization, prefixes] : endpoints->value.GetObject()) {
      for (const auto& p : prefixes.GetArray()) {
        policy->endpoints[organization.GetString()].emplace_back(p.GetString());
      }
    }
  }
  for (const auto& [name, source] : config.sources) {
    auto recipients = source->FindMember("recipients");
    if (recipients == source->MemberEnd() || !recipients->value.IsObject()) continue;
    for (const auto& [organization, destinations] : recipients->value.GetObject()) {
      for (const auto& d : destinations.GetArray()) {
        policy->destinations[organization.GetString()].emplace_back(d.GetString());
      }
    }
  }
  config.subscriptions = std::move(policy);
  config.subscriptionsConfig = &it->value;
  config.subscriptionCheckMs = pipeline::configInt(it->value, "check_ms", config.subscriptionCheckMs);
}

}  // namespace

Result<GatewayConfig> parseConfig(std::string_view text, const std::string& baseDir,
                                  const pipeline::AdapterRegistry& registry,
                                  std::vector<ConfigError>& errors) {
  GatewayConfig config;
  config.document = std::make_shared<rapidjson::Document>();
  rapidjson::Document& doc = *config.document;
  doc.Parse<kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    errors.push_back({"", "not JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
                              rapidjson::GetParseError_En(doc.GetParseError())});
    return Status::invalidInput("config is not valid JSON");
  }
  rapidjson::Document schema;
  schema.Parse(embedded::kGatewayConfigSchema.data(), embedded::kGatewayConfigSchema.size());
  if (!doc.IsObject()) {
    errors.push_back({"/", "the config must be a JSON object"});
    return Status::invalidInput("config has errors");
  }
  // Top level: required and unknown keys, then each member against its own sub-schema.
  const Value& properties = schema["properties"];
  for (const auto& r : schema["required"].GetArray()) {
    if (!doc.HasMember(r)) errors.push_back({"/" + std::string(r.GetString()), "required key missing"});
  }
  for (auto& m : doc.GetObject()) {
    const std::string key = m.name.GetString();
    if (!properties.HasMember(key.c_str())) {
      errors.push_back({"/" + escapeToken(key), "unknown key"});
      continue;
    }
    const Value& sub = properties[key.c_str()];
    if (key == "routes" && m.value.IsArray()) {
      for (rapidjson::SizeType i = 0; i < m.value.Size(); ++i) {
        check(m.value[i], sub["items"], "/routes/" + std::to_string(i), errors);
      }
    } else {
      check(m.value, sub, "/" + escapeToken(key), errors);
    }
  }
  for (const char* section : {"sources", "sinks"}) {
    auto s = doc.FindMember(section);
    if (s != doc.MemberEnd() && s->value.IsObject()) {
      for (auto& m : s->value.GetObject()) resolvePaths(m.value, baseDir, doc.GetAllocator());
    }
  }
  checkAdapters(doc, "sources", false, registry, errors, config.sources);
  checkAdapters(doc, "sinks", true, registry, errors, config.sinks);

  std::set<std::string> sourceNames, sinkNames;
  for (auto& [n, v] : config.sources) sourceNames.insert(n);
  for (auto& [n, v] : config.sinks) sinkNames.insert(n);
  auto routes = doc.FindMember("routes");
  if (routes != doc.MemberEnd() && routes->value.IsArray()) {
    std::vector<routing::RouteRule> rules;
    for (rapidjson::SizeType i = 0; i < routes->value.Size(); ++i) {
      const Value& r = routes->value[i];
      if (!r.IsObject()) continue;
      const std::string at = "/routes/" + std::to_string(i);
      routing::RouteRule rule;
      rule.name = r.HasMember("name") && r["name"].IsString() ? r["name"].GetString() : at;
      rule.sources = pipeline::configStrings(r, "from");
      rule.resourceTypes = pipeline::configStrings(r, "resource_types");
      rule.profiles = pipeline::configStrings(r, "profiles");
      rule.municipalities = pipeline::configStrings(r, "municipalities");
      rule.events = pipeline::configStrings(r, "events");
      rule.condition = pipeline::configString(r, "condition");
      rule.destinations = pipeline::configStrings(r, "to");
      rule.careTeamRoles = pipeline::configStrings(r, "care_team");
      rule.careTeamFallback = pipeline::configStrings(r, "care_team_fallback");
      for (std::size_t k = 0; k < rule.careTeamRoles.size(); ++k) {
        if (care::careRoleByCode(rule.careTeamRoles[k]) == nullptr) {
          std::string known;
          for (const care::CareRole& role : care::careRoles()) {
            known += (known.empty() ? "" : ", ") + std::string(role.code);
          }
          errors.push_back({at + "/care_team/" + std::to_string(k),
                            "unknown care-team role '" + rule.careTeamRoles[k] + "' (one of " +
                                known + ")"});
        }
      }
      rule.notify = notifyPolicy(r, at, sinkNames, errors);
      if (rule.notify && rule.careTeamRoles.empty()) {
        errors.push_back({at + "/notify", "notify applies to care-team deliveries: add 'care_team'"});
      }
      if (rule.destinations.empty() && rule.careTeamRoles.empty()) {
        errors.push_back({at, "a route needs 'to' or 'care_team'"});
      }
      for (std::size_t k = 0; k < rule.careTeamFallback.size(); ++k) {
        if (!sinkNames.count(rule.careTeamFallback[k])) {
          errors.push_back({at + "/care_team_fallback/" + std::to_string(k),
                            "no sink named '" + rule.careTeamFallback[k] + "'"});
        }
      }
      for (std::size_t k = 0; k < rule.sources.size(); ++k) {
        if (!sourceNames.count(rule.sources[k])) {
          errors.push_back({at + "/from/" + std::to_string(k),
                            "no source named '" + rule.sources[k] + "'"});
        }
      }
      for (std::size_t k = 0; k < rule.destinations.size(); ++k) {
        if (!sinkNames.count(rule.destinations[k])) {
          errors.push_back({at + "/to/" + std::to_string(k),
                            "no sink named '" + rule.destinations[k] + "'"});
        }
      }
      for (std::size_t k = 0; k < rule.municipalities.size(); ++k) {
        if (routing::MunicipalityTable::tokyo().find(rule.municipalities[k]) == nullptr) {
          errors.push_back({at + "/municipalities/" + std::to_string(k),
                            "unknown municipality '" + rule.municipalities[k] +
                                "' (use a 団体コード such as 131041, a name or romaji)"});
        }
      }
      if (!rule.condition.empty()) {
        routing::RouteRule probe;
        probe.name = rule.name;
        probe.condition = rule.condition;
        auto compiled = routing::Router::compile({probe}, nullptr);
        if (!compiled.ok()) errors.push_back({at + "/condition", compiled.status().message()});
      }
      rules.push_back(std::move(rule));
    }
    config.routes = std::move(rules);
  }
  loadMappings(doc, baseDir, config, errors);
  if (!errors.empty()) return Status::invalidInput("config has " + std::to_string(errors.size()) +
                                                   " error(s)");

  config.instanceName = pipeline::configString(doc, "instance_name");
  config.dataDir = absolute(pipeline::configString(doc, "data_dir", "var"), baseDir);
  if (doc.HasMember("store")) {
    config.store.kind = pipeline::configString(doc["store"], "kind", "sqlite");
    config.store.path = absolute(pipeline::configString(doc["store"], "path"), baseDir);
    config.store.url = pipeline::configString(doc["store"], "url");
    config.store.connections =
        static_cast<int>(pipeline::configInt(doc["store"], "connections", 0));  // 0: see below
  }
  if (config.store.kind == "sqlite" && config.store.path.empty()) {
    config.store.path = config.dataDir + "/renkei.db";
  }
  if (config.store.kind == "postgres" && config.store.url.empty()) {
    errors.push_back({"/store/url", "a postgres store needs a connection url"});
    return Status::invalidInput("config has 1 error(s)");
  }
  if (doc.HasMember("admin")) config.adminListen = pipeline::configString(doc["admin"], "listen");
  if (doc.HasMember("log")) {
    config.logLevel = pipeline::configString(doc["log"], "level", "info");
    config.logFile = absolute(pipeline::configString(doc["log"], "file"), baseDir);
  }
  if (doc.HasMember("validation")) {
    const Value& v = doc["validation"];
    config.profiles = pipeline::configStrings(v, "profiles");
    for (const std::string& p : pipeline::configStrings(v, "packages")) config.packages.push_back(absolute(p, baseDir));
    config.rejectInvalid = pipeline::configBool(v, "reject_invalid", true);
  }
  if (doc.HasMember("delivery")) {
    const Value& d = doc["delivery"];
    config.workers = static_cast<int>(pipeline::configInt(d, "workers", config.workers));
    config.batch = static_cast<int>(pipeline::configInt(d, "batch", config.batch));
    config.leaseMs = pipeline::configInt(d, "lease_ms", config.leaseMs);
    config.pollMs = pipeline::configInt(d, "poll_ms", config.pollMs);
    if (d.HasMember("retry")) {
      const Value& r = d["retry"];
      config.retry.initialMs = pipeline::configInt(r, "initial_ms", config.retry.initialMs);
      config.retry.maxMs = pipeline::configInt(r, "max_ms", config.retry.maxMs);
      config.retry.maxAttempts =
          static_cast<int>(pipeline::configInt(r, "max_attempts", config.retry.maxAttempts));
      if (r.HasMember("multiplier")) config.retry.multiplier = r["multiplier"].GetDouble();
      if (r.HasMember("jitter")) config.retry.jitter = r["jitter"].GetDouble();
    }
  }
  // Unless set: a connection for each delivery worker, and room for intake, routing and reads.
  if (!doc.HasMember("store") || config.store.connections == 0) {
    config.store.connections = std::min(64, std::max(8, config.workers + 4));
  }

  if (doc.HasMember("care")) {
    config.careDirectoryCheckMs =
        pipeline::configInt(doc["care"], "directory_check_ms", config.careDirectoryCheckMs);
    auto trust = doc["care"].FindMember("trust");
    if (trust != doc["care"].MemberEnd() && trust->value.IsObject()) {
      config.careTrust.open = false;
      for (const std::string& org : pipeline::configStrings(trust->value, "assertors")) {
        config.careTrust.assertors.insert(org);
      }
      const std::string self = pipeline::configString(trust->value, "self_assertion", "confirmed");
      config.careTrust.selfAssertion =
          self == "allow"    ? care::TrustPolicy::SelfAssertion::Allow
          : self == "ignore" ? care::TrustPolicy::SelfAssertion::Ignore
                             : care::TrustPolicy::SelfAssertion::Confirmed;
    }
  }
  if (doc.HasMember("consent") && doc["consent"].IsObject()) {
    const Value& consent = doc["consent"];
    config.consent.requireOutsideWard =
        pipeline::configString(consent, "outside_ward", "permit") == "require";
    auto wards = consent.FindMember("wards");
    if (wards != consent.MemberEnd() && wards->value.IsObject()) {
      for (auto& w : wards->value.GetObject()) {
        const std::string name = w.name.GetString();
        const routing::Municipality* m = routing::MunicipalityTable::tokyo().find(name);
        if (m == nullptr) {
          errors.push_back({"/consent/wards/" + name,
                            "unknown municipality '" + name +
                                "' (use a 団体コード such as 131041, a name or romaji)"});
          continue;
        }
        config.consent.wards[m->code] = w.value.IsString() && std::string(w.value.GetString()) == "require";
      }
    }
  }
  readSubscriptions(doc, config);
  config.patientRegistry = std::any_of(config.routes.begin(), config.routes.end(),
                                       [](const routing::RouteRule& r) { return !r.careTeamRoles.empty(); });
  if (doc.HasMember("patients") && doc["patients"].IsObject()) {
    config.patientRegistry = pipeline::configBool(doc["patients"], "registry", config.patientRegistry);
    config.patientRegistryCheckMs =
        pipeline::configInt(doc["patients"], "check_ms", config.patientRegistryCheckMs);
  }
  if (doc.HasMember("retention")) {
    config.retentionRawDays = pipeline::configInt(doc["retention"], "raw_days", 0);
  }
  return config;
}

Result<GatewayConfig> loadConfig(const std::string& path, const pipeline::AdapterRegistry& registry,
                                 std::vector<ConfigError>& errors) {
  auto text = readFileLimited(path, 4u << 20);
  if (!text.ok()) {
    errors.push_back({"", text.status().message()});
    return text.status();
  }
  const std::string baseDir = std::filesystem::absolute(path).parent_path().string();
  return parseConfig(text.value(), baseDir, registry, errors);
}

}  // namespace renkei::config

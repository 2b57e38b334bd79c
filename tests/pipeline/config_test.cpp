// The config checker: every error at once with its JSON pointer, comments allowed, unknown keys
// rejected, adapter schemas applied, references checked, relative paths resolved.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "renkei/config/gateway_config.h"
#include "support/test_env.h"

namespace renkei::config {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { pipeline::registerBuiltinAdapters(registry_); }
  Result<GatewayConfig> parse(const std::string& text) {
    errors_.clear();
    return parseConfig(text, "/etc/renkei", registry_, errors_);
  }
  bool hasError(const std::string& pointer, const std::string& fragment) const {
    for (const ConfigError& e : errors_) {
      if (e.pointer == pointer && e.message.find(fragment) != std::string::npos) return true;
    }
    return false;
  }
  pipeline::AdapterRegistry registry_;
  std::vector<ConfigError> errors_;
};

TEST_F(ConfigTest, TheSampleConfigIsValid) {
  std::vector<ConfigError> errors;
  auto c = loadConfig((test::sourceDir() / "samples/config/renkei.json").string(), registry_, errors);
  ASSERT_TRUE(c.ok()) << (errors.empty() ? "" : errors[0].pointer + " " + errors[0].message);
  EXPECT_EQ(c->sources.size(), 2u);  // the inbox and the fax folder
  EXPECT_EQ(c->routes.size(), 2u);
  EXPECT_EQ(c->store.kind, "sqlite");
  EXPECT_EQ(c->store.path.substr(c->store.path.size() - 9), "renkei.db");
}

TEST_F(ConfigTest, PostgresConnectionsCoverTheDeliveryWorkersUnlessSet) {
  auto c = parse(R"({"store": {"kind": "postgres", "url": "host=db"}, "delivery": {"workers": 10},
                     "sources": {}, "sinks": {}, "routes": []})");
  ASSERT_TRUE(c.ok()) << c.status().toString();
  EXPECT_EQ(c->store.connections, 14) << "one per worker, and four for intake, routing and reads";
  c = parse(R"({"store": {"kind": "postgres", "url": "host=db", "connections": 3},
                "sources": {}, "sinks": {}, "routes": []})");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store.connections, 3);
  c = parse(R"({"store": {"kind": "postgres", "url": "host=db", "connections": 0},
                "sources": {}, "sinks": {}, "routes": []})");
  EXPECT_TRUE(hasError("/store/connections", "minimum"));
}

TEST_F(ConfigTest, EveryErrorIsReportedWithItsPointer) {
  auto c = parse(R"({
    // comments are allowed
    "stor": {},
    "delivery": {"workers": 0},
    "sources": {"a": {"type": "folder"}, "b": {"type": "ftp"}},
    "sinks": {"h": {"type": "fhir_rest", "base_url": "ftp://x"},
              "f": {"type": "file_folder", "path": "out", "colour": "red"}},
    "routes": [{"name": "r", "from": ["zz"], "to": ["nope"], "municipalities": ["大阪市"],
                "condition": "name.where(", "extra": 1}]
  })");
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(hasError("/stor", "unknown key"));
  EXPECT_TRUE(hasError("/delivery/workers", "minimum"));
  EXPECT_TRUE(hasError("/sources/a", "required"));
  EXPECT_TRUE(hasError("/sources/b/type", "unknown source type 'ftp'"));
  EXPECT_TRUE(hasError("/sinks/h/base_url", "pattern"));
  EXPECT_TRUE(hasError("/sinks/f/colour", "unknown key"));
  EXPECT_TRUE(hasError("/routes/0/extra", "unknown key"));
  EXPECT_TRUE(hasError("/routes/0/from/0", "no source named 'zz'"));
  EXPECT_TRUE(hasError("/routes/0/to/0", "no sink named 'nope'"));
  EXPECT_TRUE(hasError("/routes/0/municipalities/0", "unknown municipality"));
  EXPECT_TRUE(hasError("/routes/0/condition", "syntax error"));
  EXPECT_GE(errors_.size(), 11u);
}

TEST_F(ConfigTest, CareTeamRoutesNameKnownRolesAndSinks) {
  auto c = parse(R"({
    "sources": {"a": {"type": "folder", "path": "in"}},
    "sinks": {"desk": {"type": "file_folder", "path": "out"}},
    "care": {"directory_check_ms": 250},
    "routes": [{"name": "ok", "care_team": ["family-doctor", "care-manager"],
                "care_team_fallback": ["desk"]},
               {"name": "bad", "care_team": ["family-docter"], "care_team_fallback": ["nope"]},
               {"name": "nothing"}]
  })");
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(hasError("/routes/1/care_team/0", "unknown care-team role 'family-docter' (one of "
                                                 "family-doctor, home-doctor"));
  EXPECT_TRUE(hasError("/routes/1/care_team_fallback/0", "no sink named 'nope'"));
  EXPECT_TRUE(hasError("/routes/2", "a route needs 'to' or 'care_team'"));
  EXPECT_EQ(errors_.size(), 3u);
}

TEST_F(ConfigTest, NotifyPoliciesAreReadAndCheckedOnCareTeamRoutes) {
  auto c = parse(R"({
    "care": {"trust": {"assertors": ["hospital-a", "office-c"], "self_assertion": "ignore"}},
    "sources": {"a": {"type": "folder", "path": "in"}},
    "sinks": {"desk": {"type": "file_folder", "path": "out"}},
    "routes": [{"name": "ok", "events": ["discharge", "transfer", "death"],
                "care_team": ["family-doctor"],
                "notify": {"urgent_events": ["death"], "urgent_discharge_days": 2, "ack_minutes": 0.5,
                           "escalate_to": ["desk"], "digest_at": "08:30"}},
               {"name": "defaults", "care_team": ["care-manager"], "notify": {}}]
  })");
  ASSERT_TRUE(c.ok()) << errors_[0].pointer << errors_[0].message;
  const care::NotifyPolicy& p = *c->routes[0].notify;
  EXPECT_EQ(p.urgentEvents, std::vector<std::string>{"death"});
  EXPECT_EQ(p.urgentDischargeDays, 2);
  EXPECT_EQ(p.ackMs, 30'000);
  EXPECT_EQ(p.escalateTo, std::vector<std::string>{"desk"});
  EXPECT_EQ(p.digestMinuteOfDay, 8 * 60 + 30);
  EXPECT_EQ(c->routes[1].notify->digestMinuteOfDay, 17 * 60);
  EXPECT_FALSE(c->routes[1].notify->escalateTo.size());
  EXPECT_FALSE(c->careTrust.open);
  EXPECT_EQ(c->careTrust.assertors, (std::set<std::string>{"hospital-a", "office-c"}));
  EXPECT_EQ(c->careTrust.selfAssertion, care::TrustPolicy::SelfAssertion::Ignore);

  auto bad = parse(R"({
    "sources": {"a": {"type": "folder", "path": "in"}},
    "sinks": {"desk": {"type": "file_folder", "path": "out"}},
    "routes": [{"name": "bad", "care_team": ["family-doctor"],
                "notify": {"escalate_to": ["nope"], "digest_at": "25:00", "ack_minutes": 0}},
               {"name": "plain", "to": ["desk"], "notify": {}}]
  })");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(hasError("/routes/0/notify/escalate_to/0", "no sink named 'nope'"));
  EXPECT_TRUE(hasError("/routes/0/notify/digest_at", "must be a local time HH:MM"));
  EXPECT_TRUE(hasError("/routes/0/notify/ack_minutes", "above 0"));
  EXPECT_TRUE(hasError("/routes/1/notify", "add 'care_team'"));
}

TEST_F(ConfigTest, SubscriptionsAreTheGatewaysOwnSinkWithTheEndpointsAndWhatEachOrganizationSees) {
  auto c = parse(R"({
    "sources": {"api": {"type": "fhir_http", "listen": "127.0.0.1:0", "plain_http": true,
                        "clients": [{"id": "b", "organization": "clinic-b", "scopes": ["system/*.read"],
                                     "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}],
                        "recipients": {"clinic-b": ["clinic-b-folder"]}}},
    "sinks": {"clinic-b-folder": {"type": "file_folder", "path": "out"}},
    "subscriptions": {"endpoints": {"clinic-b": ["https://clinic-b.example.jp/hook/"]}},
    "routes": [{"name": "r", "to": ["clinic-b-folder"]}]
  })");
  ASSERT_TRUE(c.ok()) << (errors_.empty() ? "" : errors_[0].pointer + " " + errors_[0].message);
  ASSERT_NE(c->subscriptions, nullptr);
  EXPECT_EQ(c->subscriptions->endpoints.at("clinic-b"),
            std::vector<std::string>{"https://clinic-b.example.jp/hook/"});
  EXPECT_EQ(c->subscriptions->destinations.at("clinic-b"), std::vector<std::string>{"clinic-b-folder"});

  errors_.clear();
  auto refused = parse(R"({
    "sources": {},
    "sinks": {"subscriptions": {"type": "file_folder", "path": "out"},
              "hooks": {"type": "rest_hook"}},
    "subscriptions": {"endpoints": {"clinic-b": ["ftp://clinic-b.example.jp/"]}},
    "routes": []
  })");
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(hasError("/sinks/subscriptions", "the gateway's own"));
  EXPECT_TRUE(hasError("/sinks/hooks", "the gateway's own"));
  EXPECT_TRUE(hasError("/subscriptions/endpoints/clinic-b/0", "pattern"));
}

TEST_F(ConfigTest, NotJsonSaysWhere) {
  ASSERT_FALSE(parse("{\"sources\": ").ok());
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_NE(errors_[0].message.find("not JSON at byte"), std::string::npos);
}

TEST_F(ConfigTest, RelativePathsResolveAgainstTheConfigFolder) {
  auto c = parse(R"({"data_dir": "data", "sources": {"in": {"type": "folder", "path": "inbox"}},
    "sinks": {"out": {"type": "file_folder", "path": "/abs/out"}},
    "routes": [{"name": "all", "to": ["out"]}]})");
  ASSERT_TRUE(c.ok()) << errors_[0].pointer << errors_[0].message;
  EXPECT_EQ(c->dataDir, "/etc/renkei/data");
  EXPECT_EQ(c->store.path, "/etc/renkei/data/renkei.db");
  EXPECT_STREQ((*c->sources[0].second)["path"].GetString(), "/etc/renkei/inbox");
  EXPECT_STREQ((*c->sinks[0].second)["path"].GetString(), "/abs/out");
}

}  // namespace
}  // namespace renkei::config

namespace renkei::config {
namespace {

TEST_F(ConfigTest, MappingsAreLoadedAndCheckedWithTheConfig) {
  const std::string shipped = (test::sourceDir() / "mappings").string();
  auto c = parse(R"({"mappings_dir": ")" + shipped + R"(",
    "sources": {"a": {"type": "folder", "path": "in-a", "mapping": "auto"},
                "b": {"type": "folder", "path": "in-b", "mapping": "no-such-layout"}},
    "sinks": {"out": {"type": "file_folder", "path": "out"}}, "routes": [{"name": "r", "to": ["out"]}]})");
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(hasError("/sources/b/mapping", "no mapping 'no-such-layout'"));

  const auto broken = std::filesystem::temp_directory_path() / "renkei-config-mappings";
  std::filesystem::remove_all(broken);
  std::filesystem::create_directories(broken / "bad");
  std::ofstream(broken / "bad" / "mapping.json")
      << R"({"id": "bad", "version": "1", "layout": {"format": "csv", "encoding": "utf-8", "columns": ["a"]},
            "fields": {"f": {"column": "a", "transforms": ["no-such-transform"]}},
            "resources": [{"key": "p", "template": {"resourceType": "Patient", "gender": "{g}"}}]})";
  c = parse(R"({"mappings_dir": ")" + broken.string() + R"(",
    "sources": {"a": {"type": "folder", "path": "in", "mapping": "auto"}},
    "sinks": {"out": {"type": "file_folder", "path": "out"}}, "routes": [{"name": "r", "to": ["out"]}]})");
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(hasError("/mappings_dir", "/fields/f/transforms/0: unknown transform 'no-such-transform'"));
  EXPECT_TRUE(hasError("/mappings_dir", "/resources/0/template: {g} names no field"));
  std::filesystem::remove_all(broken);
}

}  // namespace
}  // namespace renkei::config

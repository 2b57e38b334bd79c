// PipelineFixture implementation.
#include "pipeline/pipeline_fixture.h"

#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::test {

void PipelineFixture::build(const std::string& sinksJson, const std::string& routeTo,
                            pipeline::RetryPolicy retry) {
  pipeline::registerBuiltinAdapters(registry_);
  store::StoreConfig config;
  config.path = (dir_.path() / "store.db").string();
  auto opened = store::openStore(config);
  ASSERT_TRUE(opened.ok()) << opened.status().toString();
  store_ = std::shared_ptr<store::Store>(std::move(opened).value());
  auto defs = coreDefinitions();
  normalizer_ = std::make_shared<const pipeline::Normalizer>(
      defs, fhirpath::makeValidator(defs), pipeline::NormalizeOptions{});
  routing::RouteRule all;
  all.name = "all";
  all.destinations = {routeTo};
  auto router = routing::Router::compile({all}, defs);
  ASSERT_TRUE(router.ok());
  router_ = router.value();
  sinkConfig_.Parse(sinksJson.c_str());
  ASSERT_FALSE(sinkConfig_.HasParseError());
  std::map<std::string, std::shared_ptr<pipeline::Sink>>& sinks = sinks_;
  for (auto& m : sinkConfig_.GetObject()) {
    const pipeline::AdapterType* type = registry_.sink(m.value["type"].GetString());
    ASSERT_NE(type, nullptr);
    pipeline::AdapterContext ctx{m.name.GetString(), &m.value, defs, nullptr, metrics_};
    auto sink = type->makeSink(ctx);
    ASSERT_TRUE(sink.ok()) << sink.status().toString();
    sinks[m.name.GetString()] = sink.value();
  }
  pipeline::PipelineOptions options;
  options.owner = "test";
  options.retry = retry;
  auto clock = clock_;
  pipeline_ = std::make_unique<pipeline::Pipeline>(store_, normalizer_, router_, sinks, options,
                                                   metrics_, [clock] { return clock->load(); });
}

std::unique_ptr<pipeline::Pipeline> PipelineFixture::pipelineOver(std::shared_ptr<store::Store> store,
                                                                  const std::string& owner) {
  pipeline::PipelineOptions options;
  options.owner = owner;
  auto clock = clock_;
  return std::make_unique<pipeline::Pipeline>(std::move(store), normalizer_, router_, sinks_,
                                              options, metrics_, [clock] { return clock->load(); });
}

pipeline::SubmitResult PipelineFixture::submitOne(const std::string& bytes, const std::string& name) {
  auto results = pipeline_->submit({{"inbox", "clinic", name, "", bytes}});
  EXPECT_EQ(results.size(), 1u);
  EXPECT_TRUE(results[0].committed.ok()) << results[0].committed.toString();
  return results[0];
}

store::OutboxRow PipelineFixture::onlyRow() {
  auto rows = store_->outbox({});
  EXPECT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), 1u);
  return rows->empty() ? store::OutboxRow{} : rows.value()[0];
}

std::string PipelineFixture::patientJson(const std::string& id, const std::string& city) {
  return R"({"resourceType":"Patient","id":")" + id +
         R"(","identifier":[{"system":"urn:oid:1.2.392.100495.20.3.51.11312345678","value":")" +
         id + R"("}],"name":[{"family":"連携","given":["花子"]}],"gender":"female",)"
         R"("birthDate":"1942-03-09","address":[{"city":")" + city + R"(","state":"東京都"}]})";
}

}  // namespace renkei::test

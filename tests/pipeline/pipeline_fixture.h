// A real pipeline for tests: SQLite store in a temporary folder, R4 + Renkei definitions, the
// built-in adapters, a manual clock, and sinks made from JSON config like the daemon makes them.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "renkei/pipeline/adapter_registry.h"
#include "renkei/pipeline/pipeline.h"
#include "store/store_backends.h"

namespace renkei::test {

class PipelineFixture : public ::testing::Test {
 protected:
  /// Builds the pipeline: sinks as {"name": {config}, ...}, one catch-all route to `routeTo`.
  void build(const std::string& sinksJson, const std::string& routeTo,
             pipeline::RetryPolicy retry = {});
  /// A pipeline over `store` (another instance sharing it, or a PostgreSQL store).
  std::unique_ptr<pipeline::Pipeline> pipelineOver(std::shared_ptr<store::Store> store,
                                                   const std::string& owner);
  pipeline::SubmitResult submitOne(const std::string& bytes, const std::string& name = "in.json");
  store::OutboxRow onlyRow();
  int64_t now() const { return clock_->load(); }
  void advance(int64_t ms) { *clock_ += ms; }

  static std::string patientJson(const std::string& id, const std::string& city = "新宿区");

  TempDir dir_;
  pipeline::AdapterRegistry registry_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<pipeline::Metrics> metrics_ = std::make_shared<pipeline::Metrics>();
  std::shared_ptr<std::atomic<int64_t>> clock_ = std::make_shared<std::atomic<int64_t>>(1'700'000'000'000);
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  std::map<std::string, std::shared_ptr<pipeline::Sink>> sinks_;
  std::shared_ptr<const routing::Router> router_;
  std::shared_ptr<const pipeline::Normalizer> normalizer_;
  rapidjson::Document sinkConfig_;
};

}  // namespace renkei::test

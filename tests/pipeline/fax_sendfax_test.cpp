// The fax_sheet sink handing each sheet to HylaFAX's sendfax: the program gets "-d NUMBER FILE"
// after its configured arguments, once per delivery even when the delivery is retried, a failure
// is retried, a program that hangs is killed, and a recipient without a fax number is a dead
// letter (the sheet stays in the folder for a person).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <rapidjson/document.h>

#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/adapter_registry.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {

namespace fs = std::filesystem;

class SendFaxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pipeline::registerBuiltinAdapters(registry_);
    dir_ = fs::temp_directory_path() / ("renkei-sendfax-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    canonical_ = readText(sourceDir() / "samples/fhir/Bundle-discharge-notice.json");
    auto read = fhir::readResource(canonical_, fhir::SourceFormat::Json);
    ASSERT_TRUE(read.ok());
    doc_ = std::move(read.document);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A stand-in for sendfax: records its arguments, prints what sendfax prints, exits with `code`
  /// (after `sleep` seconds).
  std::string fakeSendfax(int code, int sleep = 0) {
    const fs::path script = dir_ / ("sendfax-" + std::to_string(code) + "-" + std::to_string(sleep));
    std::ofstream(script) << "#!/bin/sh\nsleep " << sleep << "\nprintf '%s\\n' \"$*\" >> " << (dir_ / "calls").string()
                          << "\necho 'request id is 42 (group id 42) for host localhost (1 file)'\nexit "
                          << code << "\n";
    fs::permissions(script, fs::perms::owner_all);
    return script.string();
  }

  std::shared_ptr<pipeline::Sink> sink(const std::string& command, int64_t timeoutMs = 30000) {
    config_.Parse((R"({"type":"fax_sheet","path":")" + (dir_ / "out").string() +
                   R"(","formats":["tiff"],"sendfax":{"command":")" + command +
                   R"(","args":["-n","-f","renkei@example.jp"],"timeout_ms":)" + std::to_string(timeoutMs) + "}}")
                      .c_str());
    pipeline::AdapterContext ctx{"fax", &config_, nullptr, nullptr, nullptr, nullptr, nullptr};
    auto made = registry_.sink("fax_sheet")->makeSink(ctx);
    EXPECT_TRUE(made.ok()) << made.status().toString();
    return made.ok() ? made.value() : nullptr;
  }

  pipeline::DeliveryResult deliver(pipeline::Sink& s, const std::string& key, const std::string& address) {
    pipeline::DeliveryRequest r;
    r.idempotencyKey = key;
    r.canonicalJson = canonical_;
    r.root = doc_->root();
    r.recipient = R"({"role":"family-doctor","member":"Organization/clinic","organization":"clinic-b",)"
                  R"("display":"佐藤内科クリニック","address":")" + address + R"("})";
    return s.deliver(r);
  }

  std::vector<std::string> calls() {
    std::vector<std::string> out;
    std::ifstream in(dir_ / "calls");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  pipeline::AdapterRegistry registry_;
  rapidjson::Document config_;
  fs::path dir_;
  std::string canonical_;
  std::unique_ptr<fhir::Document> doc_;
};

TEST_F(SendFaxTest, EachSheetIsHandedToSendfaxOnceWithTheRecipientsNumber) {
  auto s = sink(fakeSendfax(0));
  const pipeline::DeliveryResult first = deliver(*s, "rk-1", "fax:03-5555-0101");
  EXPECT_EQ(first.outcome, pipeline::Outcome::Delivered) << first.detail;
  EXPECT_NE(first.detail.find("request id is 42"), std::string::npos) << first.detail;
  const std::string tif = (dir_ / "out" / "clinic-b_Organization-clinic" / "rk-1.tif").string();
  EXPECT_EQ(calls(), std::vector<std::string>{"-n -f renkei@example.jp -d 0355550101 " + tif});
  EXPECT_TRUE(fs::exists(tif));

  const pipeline::DeliveryResult again = deliver(*s, "rk-1", "fax:03-5555-0101");
  EXPECT_EQ(again.outcome, pipeline::Outcome::Delivered);
  EXPECT_EQ(calls().size(), 1u) << "a retried delivery does not fax twice";
}

TEST_F(SendFaxTest, FailuresAreRetriedAHangingSendfaxIsKilledAndNoNumberIsADeadLetter) {
  auto failing = sink(fakeSendfax(1));
  const pipeline::DeliveryResult failed = deliver(*failing, "rk-2", "fax:03-5555-0101");
  EXPECT_EQ(failed.outcome, pipeline::Outcome::Retry);
  EXPECT_NE(failed.detail.find("sendfax exited with 1"), std::string::npos) << failed.detail;

  auto hanging = sink(fakeSendfax(0, 30), 1000);
  const pipeline::DeliveryResult slow = deliver(*hanging, "rk-3", "fax:03-5555-0101");
  EXPECT_EQ(slow.outcome, pipeline::Outcome::Retry);
  EXPECT_NE(slow.detail.find("did not finish within 1000 ms"), std::string::npos) << slow.detail;

  auto fine = sink(fakeSendfax(0));
  const pipeline::DeliveryResult none = deliver(*fine, "rk-4", "");
  EXPECT_EQ(none.outcome, pipeline::Outcome::Reject);
  EXPECT_NE(none.detail.find("no fax number"), std::string::npos) << none.detail;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "clinic-b_Organization-clinic" / "rk-4.tif")) << "left for a person";

  auto missing = sink((dir_ / "no-such-sendfax").string());
  EXPECT_EQ(deliver(*missing, "rk-5", "fax:03-5555-0101").outcome, pipeline::Outcome::Retry);
}

}  // namespace
}  // namespace renkei::test

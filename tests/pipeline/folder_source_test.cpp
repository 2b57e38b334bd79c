// The watched-folder source with a real pipeline: a file written slowly in chunks is not taken
// until it is complete; a malformed file lands in failed/ with a reason while the rest go on;
// the same file dropped twice is a duplicate; ignored names stay where they are.
#include <fstream>
#include <thread>

#include "source_folder/folder_source.h"
#include "pipeline/pipeline_fixture.h"
#include "renkei/core/file_io.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {
namespace fs = std::filesystem;

class FolderSourceTest : public PipelineFixture {
 protected:
  /// Extra source settings, e.g. R"(, "done_file_suffix": ".done")".
  virtual std::string extraSettings() const { return ""; }
  void SetUp() override {
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
    inbox_ = dir_.path() / "inbox";
    fs::create_directories(inbox_);
    config_.Parse((R"({"type": "folder", "path": ")" + inbox_.string() +
                   R"(", "poll_ms": 20, "min_age_ms": 300)" + extraSettings() + "}")
                      .c_str());
    pipeline::AdapterContext ctx{"inbox", &config_, nullptr, pipeline_.get(), metrics_};
    auto source = registry_.source("folder")->makeSource(ctx);
    ASSERT_TRUE(source.ok());
    source_ = source.value();
    ASSERT_TRUE(source_->start().ok());
  }
  void TearDown() override { source_->stop(); }

  static std::size_t count(const fs::path& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }
  void waitFor(const std::function<bool()>& done, int ms = 5000) {
    for (int waited = 0; waited < ms && !done(); waited += 20) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  fs::path inbox_;
  rapidjson::Document config_;
  std::shared_ptr<pipeline::Source> source_;
};

TEST_F(FolderSourceTest, AFileWrittenSlowlyIsTakenOnlyWhenComplete) {
  const std::string text = patientJson("slow");
  {
    std::ofstream out(inbox_ / "slow.json", std::ios::binary);
    for (std::size_t i = 0; i < text.size(); i += 40) {
      out.write(text.data() + i, static_cast<std::streamsize>(std::min<std::size_t>(40, text.size() - i)));
      out.flush();
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      ASSERT_TRUE(fs::exists(inbox_ / "slow.json")) << "taken while still being written";
    }
  }
  waitFor([&] { return count(inbox_ / "done") == 1; });
  EXPECT_EQ(count(inbox_ / "done"), 1u);
  EXPECT_EQ(count(inbox_ / "failed"), 0u) << "it was complete when taken, so it parsed";
  EXPECT_EQ(onlyRow().state, store::kQueued);
}

TEST_F(FolderSourceTest, AMalformedFileFailsWithAReasonAndTheRestContinue) {
  ASSERT_TRUE(writeFileAtomically((inbox_ / "broken.json").string(), "{\"resourceType\": \"Patient\",").ok());
  ASSERT_TRUE(writeFileAtomically((inbox_ / "good.json").string(), patientJson("good")).ok());
  waitFor([&] { return count(inbox_ / "done") == 1 && count(inbox_ / "failed") == 2; });
  EXPECT_TRUE(fs::exists(inbox_ / "failed" / "broken.json")) << "the original bytes are kept";
  const std::string reason = readText(inbox_ / "failed" / "broken.json.reason.json");
  EXPECT_NE(reason.find("\"operation_outcome\""), std::string::npos) << reason;
  EXPECT_NE(reason.find("\"message_id\":"), std::string::npos);
  EXPECT_EQ(count(inbox_ / "done"), 1u);
  EXPECT_EQ(store_->outbox({})->size(), 1u) << "only the good file is delivered";
}

TEST_F(FolderSourceTest, TheSameFileDroppedTwiceIsRecordedAsADuplicate) {
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("twice")).ok());
  waitFor([&] { return count(inbox_ / "done") == 1; });
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("twice")).ok());
  waitFor([&] { return count(inbox_ / "done") == 2; });
  EXPECT_EQ(count(inbox_ / "done"), 2u) << "both copies are kept, under distinct names";
  EXPECT_EQ(store_->outbox({})->size(), 1u) << "but delivered once";
  EXPECT_EQ(store_->message(onlyRow().messageId).value()->duplicates, 1);
}

TEST_F(FolderSourceTest, IgnoredNamesAreLeftAlone) {
  for (const char* name : {".hidden.json", "x.tmp", "y.part"}) {
    ASSERT_TRUE(writeFileAtomically((inbox_ / name).string(), patientJson("i")).ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_TRUE(fs::exists(inbox_ / ".hidden.json"));
  EXPECT_TRUE(fs::exists(inbox_ / "x.tmp"));
  EXPECT_TRUE(fs::exists(inbox_ / "y.part"));
  EXPECT_EQ(count(inbox_ / "done"), 0u);
}

class FolderSourceWithLimits : public FolderSourceTest {
 protected:
  std::string extraSettings() const override {
    return R"(, "done_file_suffix": ".done", "max_file_bytes": 2000)";
  }
};

TEST_F(FolderSourceWithLimits, AFileWaitsForItsDoneFile) {
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("a")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_TRUE(fs::exists(inbox_ / "a.json")) << "no done-file yet";
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json.done").string(), "").ok());
  waitFor([&] { return count(inbox_ / "done") == 1; });
  EXPECT_EQ(count(inbox_ / "done"), 1u);
  EXPECT_FALSE(fs::exists(inbox_ / "a.json.done")) << "the marker is consumed";
}

TEST_F(FolderSourceWithLimits, AFileOverTheCapIsNeverReadAndFailsWithAReason) {
  ASSERT_TRUE(writeFileAtomically((inbox_ / "big.json").string(), std::string(5000, ' ')).ok());
  ASSERT_TRUE(writeFileAtomically((inbox_ / "big.json.done").string(), "").ok());
  waitFor([&] { return fs::exists(inbox_ / "failed" / "big.json.reason.json"); });
  ASSERT_TRUE(fs::exists(inbox_ / "failed" / "big.json"));
  EXPECT_EQ(fs::file_size(inbox_ / "failed" / "big.json"), 5000u) << "kept as it came";
  EXPECT_NE(readText(inbox_ / "failed" / "big.json.reason.json").find("TooLarge"), std::string::npos);
  EXPECT_TRUE(store_->outbox({})->empty());
}

TEST(StabilityTracker, NeedsTwoEqualObservationsAndTheMinimumAge) {
  adapters::StabilityTracker t;
  using Seen = adapters::StabilityTracker::Seen;
  EXPECT_TRUE(t.ready({{"a", Seen{10, 1000}}}, 5000, 2000).empty()) << "first sight";
  EXPECT_TRUE(t.ready({{"a", Seen{20, 4000}}}, 5000, 2000).empty()) << "grew";
  EXPECT_TRUE(t.ready({{"a", Seen{20, 4000}}}, 5000, 2000).empty()) << "too young";
  EXPECT_EQ(t.ready({{"a", Seen{20, 4000}}}, 6000, 2000), std::vector<std::string>{"a"});
}

TEST(FolderSourceNames, DotFilesTemporariesAndReasonsAreIgnored) {
  EXPECT_TRUE(adapters::ignoredName(".x.json"));
  EXPECT_TRUE(adapters::ignoredName("a.tmp"));
  EXPECT_TRUE(adapters::ignoredName("a.part"));
  EXPECT_TRUE(adapters::ignoredName("a.json.reason.json"));
  EXPECT_FALSE(adapters::ignoredName("退院サマリ.json"));
}

}  // namespace
}  // namespace renkei::test

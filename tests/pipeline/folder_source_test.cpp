// The watched-folder source with a real pipeline: a file written slowly in chunks is not taken
// until it is complete; a malformed file lands in failed/ with a reason while the rest go on;
// the same file dropped twice is a duplicate; ignored names stay where they are; links, special
// files and hard links are never read but moved, as they are, to failed/ with the reason; a
// committed file whose move to done/ fails is not submitted again; whatever lands in failed/
// counts as a failed intake; a second source on the same folder is refused; a file renamed in or
// closed by its writer is taken at once, one still open is not.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <thread>

#include "source_folder/folder_source.h"
#include "pipeline/pipeline_fixture.h"
#include "renkei/core/digest.h"
#include "renkei/core/file_io.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {
namespace fs = std::filesystem;

class FolderSourceTest : public PipelineFixture {
 protected:
  /// Extra source settings, e.g. R"(, "done_file_suffix": ".done")".
  virtual std::string extraSettings() const { return ""; }
  virtual std::string timing() const { return R"("poll_ms": 20, "min_age_ms": 300)"; }
  void SetUp() override {
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
    inbox_ = dir_.path() / "inbox";
    fs::create_directories(inbox_);
    config_.Parse((R"({"type": "folder", "path": ")" + inbox_.string() +
                   "\", " + timing() + extraSettings() + "}")
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

  /// A folder outside the inbox (what a link or a hard link could reach).
  fs::path outside() const {
    fs::create_directories(dir_.path() / "outside");
    return dir_.path() / "outside";
  }
  /// Waits for failed/<name>.reason.json and returns it ("" when it never came).
  std::string reasonFor(const std::string& name) {
    const fs::path reason = inbox_ / "failed" / (name + ".reason.json");
    waitFor([&] { return fs::exists(reason); });
    return fs::exists(reason) ? readText(reason) : "";
  }
  /// The store holds no message and no delivery at all.
  void expectNothingStored() {
    auto first = store_->message(1);
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(first.value().has_value()) << "a message was stored";
    EXPECT_TRUE(store_->outbox({})->empty());
  }
  static bool isSymlink(const fs::path& p) {
    std::error_code ec;
    return fs::symlink_status(p, ec).type() == fs::file_type::symlink;
  }
  static std::string today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
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

TEST_F(FolderSourceTest, ASymlinkToAFhirFileOutsideIsMovedToFailedNotIngested) {
  const fs::path target = outside() / "secret.json";
  ASSERT_TRUE(writeFileAtomically(target.string(), patientJson("outside")).ok());
  fs::create_symlink(target, inbox_ / "link.json");
  const std::string reason = reasonFor("link.json");
  EXPECT_NE(reason.find("not a regular file: symbolic link refused"), std::string::npos) << reason;
  EXPECT_TRUE(isSymlink(inbox_ / "failed" / "link.json")) << "the link itself is moved";
  EXPECT_EQ(fs::read_symlink(inbox_ / "failed" / "link.json"), target);
  EXPECT_FALSE(isSymlink(inbox_ / "link.json"));
  EXPECT_EQ(readText(target), patientJson("outside")) << "the target is untouched";
  expectNothingStored();
}

TEST_F(FolderSourceTest, SymlinksToSystemFilesAreNeverReadOrStored) {
  fs::create_symlink("/etc/passwd", inbox_ / "passwd.json");
  fs::create_symlink("/proc/self/environ", inbox_ / "environ.json");
  EXPECT_NE(reasonFor("passwd.json").find("symbolic link refused"), std::string::npos);
  EXPECT_NE(reasonFor("environ.json").find("symbolic link refused"), std::string::npos);
  expectNothingStored();
  EXPECT_FALSE(store_->rawBytes(sha256Hex(readText("/etc/passwd"))).ok())
      << "/etc/passwd is not among the raw inputs";
  EXPECT_TRUE(fs::exists("/etc/passwd"));
}

TEST_F(FolderSourceTest, ASymlinkToAFolderOutsideIsMovedToFailed) {
  const fs::path folder = outside() / "folder";
  fs::create_directories(folder);
  ASSERT_TRUE(writeFileAtomically((folder / "inside.json").string(), patientJson("dir")).ok());
  fs::create_symlink(folder, inbox_ / "linked");
  EXPECT_NE(reasonFor("linked").find("symbolic link refused"), std::string::npos);
  EXPECT_TRUE(isSymlink(inbox_ / "failed" / "linked"));
  EXPECT_TRUE(fs::exists(folder / "inside.json")) << "nothing behind the link is touched";
  expectNothingStored();
}

TEST_F(FolderSourceTest, AFifoIsMovedToFailedWithoutBlockingThePoll) {
  ASSERT_EQ(::mkfifo((inbox_ / "pipe.json").c_str(), 0600), 0);
  ASSERT_TRUE(writeFileAtomically((inbox_ / "good.json").string(), patientJson("good")).ok());
  const std::string reason = reasonFor("pipe.json");
  waitFor([&] { return count(inbox_ / "done") == 1; });
  // Whatever happened, no reader stays blocked on the FIFO: the test ends in bounded time.
  for (const fs::path& p : {inbox_ / "pipe.json", inbox_ / "processing" / "pipe.json",
                            inbox_ / "failed" / "pipe.json"}) {
    int fd = ::open(p.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  EXPECT_NE(reason.find("not a regular file: FIFO refused"), std::string::npos) << reason;
  std::error_code ec;
  EXPECT_EQ(fs::symlink_status(inbox_ / "failed" / "pipe.json", ec).type(), fs::file_type::fifo);
  EXPECT_EQ(count(inbox_ / "done"), 1u) << "the poll went on with the other file";
  EXPECT_EQ(store_->outbox({})->size(), 1u);
}

TEST_F(FolderSourceTest, AHardLinkToAFileOutsideIsRefused) {
  const fs::path target = outside() / "shadow.json";
  ASSERT_TRUE(writeFileAtomically(target.string(), patientJson("shadow")).ok());
  fs::create_hard_link(target, inbox_ / "hl.json");
  const std::string reason = reasonFor("hl.json");
  EXPECT_NE(reason.find("hard link refused: the file has 2 names"), std::string::npos) << reason;
  EXPECT_EQ(readText(target), patientJson("shadow"));
  expectNothingStored();
}

TEST_F(FolderSourceTest, FoldersInTheInboxAreLeftAlone) {
  fs::create_directories(inbox_ / "sub");
  ASSERT_TRUE(writeFileAtomically((inbox_ / "sub" / "x.json").string(), patientJson("sub")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_TRUE(fs::exists(inbox_ / "sub" / "x.json"));
  EXPECT_FALSE(fs::exists(inbox_ / "failed" / "sub.reason.json"));
  expectNothingStored();
}

TEST_F(FolderSourceTest, ASymlinkLeftInProcessingIsRefusedToo) {
  const fs::path target = outside() / "left.json";
  ASSERT_TRUE(writeFileAtomically(target.string(), patientJson("left")).ok());
  fs::create_symlink(target, inbox_ / "processing" / "left.json");
  EXPECT_NE(reasonFor("left.json").find("symbolic link refused"), std::string::npos);
  EXPECT_TRUE(isSymlink(inbox_ / "failed" / "left.json"));
  expectNothingStored();
}

TEST_F(FolderSourceTest, ACommittedFileWhoseMoveToDoneFailsIsNotSubmittedAgain) {
  // done/<today> is a file, so done/<today>/ cannot be created: the move fails after the commit.
  const fs::path blocker = inbox_ / "done" / today();
  ASSERT_TRUE(writeFileAtomically(blocker.string(), "in the way").ok());
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("stuck")).ok());
  waitFor([&] { return store_->outbox({})->size() == 1; });
  ASSERT_EQ(store_->outbox({})->size(), 1u);
  // Another file of the same name waits in the inbox: the one in processing/ is not overwritten.
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("next")).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // some 30 polls
  EXPECT_TRUE(fs::exists(inbox_ / "processing" / "a.json")) << "it could not move";
  EXPECT_EQ(readText(inbox_ / "processing" / "a.json"), patientJson("stuck"));
  EXPECT_TRUE(fs::exists(inbox_ / "a.json"));
  const int64_t messageId = onlyRow().messageId;
  EXPECT_EQ(store_->message(messageId).value()->duplicates, 0) << "it was not submitted again";
  EXPECT_NE(metrics_->render({}, 0).find("renkei_source_file_move_failures_total{source=\"inbox\"} 1"),
            std::string::npos);
  fs::remove(blocker);
  waitFor([&] { return fs::exists(inbox_ / "done" / today() / "a.json"); });
  EXPECT_TRUE(fs::exists(inbox_ / "done" / today() / "a.json")) << "the move is retried";
  EXPECT_EQ(store_->message(messageId).value()->duplicates, 0);
  waitFor([&] { return store_->outbox({})->size() == 2; });
  EXPECT_EQ(store_->outbox({})->size(), 2u) << "then the second file is taken";
}

TEST_F(FolderSourceTest, EverythingThatLandsInFailedCountsAsFailedNotAccepted) {
  ASSERT_TRUE(writeFileAtomically((inbox_ / "broken.json").string(), "{\"resourceType\": \"Patient\",").ok());
  fs::create_symlink("/etc/passwd", inbox_ / "passwd.json");
  ASSERT_TRUE(writeFileAtomically((inbox_ / "good.json").string(), patientJson("good")).ok());
  waitFor([&] { return count(inbox_ / "done") == 1; });
  ASSERT_FALSE(reasonFor("broken.json").empty());
  ASSERT_FALSE(reasonFor("passwd.json").empty());
  const std::string metrics = metrics_->render({}, 0);
  EXPECT_NE(metrics.find(R"(renkei_intake_total{source="inbox",result="failed"} 2)"), std::string::npos)
      << "one invalid input, one refused before the store: " << metrics;
  EXPECT_NE(metrics.find(R"(renkei_intake_total{source="inbox",result="accepted"} 1)"), std::string::npos)
      << metrics;
}

TEST_F(FolderSourceTest, ASecondSourceOnTheSameFolderIsRefused) {
  pipeline::AdapterContext ctx{"twin", &config_, nullptr, pipeline_.get(), metrics_};
  auto twin = registry_.source("folder")->makeSource(ctx);
  ASSERT_TRUE(twin.ok());
  Status started = twin.value()->start();
  ASSERT_FALSE(started.ok()) << "two sources would take files from under each other";
  EXPECT_NE(started.message().find("source twin: watched folder " + inbox_.string()), std::string::npos)
      << started.message();
  source_->stop();
  EXPECT_TRUE(twin.value()->start().ok()) << "free again once the first has stopped";
  twin.value()->stop();
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

// Polls five seconds apart: only the writer's close or rename can explain a file taken sooner.
class FolderSourceWithRarePolls : public FolderSourceTest {
 protected:
  std::string timing() const override { return R"("poll_ms": 5000, "min_age_ms": 0)"; }
};

TEST_F(FolderSourceWithRarePolls, AFileRenamedInIsTakenAtOnceNotAfterTwoPolls) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the first poll has run
  const auto dropped = std::chrono::steady_clock::now();
  ASSERT_TRUE(writeFileAtomically((inbox_ / "a.json").string(), patientJson("a")).ok());
  waitFor([&] { return count(inbox_ / "done") == 1; }, 4000);
  EXPECT_EQ(count(inbox_ / "done"), 1u) << "the rename woke the source";
  EXPECT_LT(std::chrono::steady_clock::now() - dropped, std::chrono::seconds(4));
}

TEST_F(FolderSourceWithRarePolls, AFileStillOpenForWritingWaitsForItsClose) {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string text = patientJson("open");
  std::ofstream out(inbox_ / "open.json", std::ios::binary);
  out.write(text.data(), 20);
  out.flush();
  // Another file's rename wakes the source while open.json is still open and incomplete.
  ASSERT_TRUE(writeFileAtomically((inbox_ / "b.json").string(), patientJson("b")).ok());
  waitFor([&] { return count(inbox_ / "done") == 1; }, 4000);
  EXPECT_TRUE(fs::exists(inbox_ / "open.json")) << "taken before its writer closed it";
  out.write(text.data() + 20, static_cast<std::streamsize>(text.size() - 20));
  out.close();
  waitFor([&] { return count(inbox_ / "done") == 2; }, 4000);
  EXPECT_EQ(count(inbox_ / "done"), 2u) << "the close woke the source";
  EXPECT_EQ(count(inbox_ / "failed"), 0u);
}

TEST(StabilityTracker, NeedsEqualObservationsAPollApartAndTheMinimumAge) {
  adapters::StabilityTracker t;
  using Seen = adapters::StabilityTracker::Seen;
  EXPECT_TRUE(t.ready({{"a", Seen{10, 1000}}}, 5000, 2000, 500).empty()) << "first sight";
  EXPECT_TRUE(t.ready({{"a", Seen{20, 4000}}}, 5000, 2000, 500).empty()) << "grew";
  EXPECT_TRUE(t.ready({{"a", Seen{20, 4000}}}, 5600, 2000, 500).empty()) << "too young";
  EXPECT_EQ(t.ready({{"a", Seen{20, 4000}}}, 6000, 2000, 500), std::vector<std::string>{"a"});
}

TEST(StabilityTracker, TwoPollsCloserThanTheIntervalDoNotMakeAFileStable) {
  adapters::StabilityTracker t;
  using Seen = adapters::StabilityTracker::Seen;
  EXPECT_TRUE(t.ready({{"a", Seen{20, 1000}}}, 9000, 0, 1000).empty());
  EXPECT_TRUE(t.ready({{"a", Seen{20, 1000}}}, 9010, 0, 1000).empty()) << "a woken poll 10 ms later";
  EXPECT_TRUE(t.ready({{"a", Seen{30, 9500}}}, 9600, 0, 1000).empty()) << "grew: the clock restarts";
  EXPECT_TRUE(t.ready({{"a", Seen{30, 9500}}}, 10000, 0, 1000).empty());
  EXPECT_EQ(t.ready({{"a", Seen{30, 9500}}}, 10600, 0, 1000), std::vector<std::string>{"a"});
}

TEST(StabilityTracker, AFileItsWriterFinishedIsReadyAtFirstSightUnlessChangedSince) {
  adapters::StabilityTracker t;
  using Seen = adapters::StabilityTracker::Seen;
  t.noteEvents({{"a", 4100}, {"b", 4100}, {"gone", 4100}}, {});
  EXPECT_EQ(t.ready({{"a", Seen{20, 4000}}, {"b", Seen{30, 4200}}}, 6500, 2000, 500),
            std::vector<std::string>{"a"})
      << "b was written again after its writer closed it";
  EXPECT_TRUE(t.ready({{"c", Seen{5, 6000}}}, 6500, 2000, 500).empty()) << "no event, first sight";
  t.noteEvents({{"young", 6400}}, {});
  EXPECT_TRUE(t.ready({{"young", Seen{5, 6300}}}, 6500, 2000, 500).empty()) << "younger than min_age";
}

TEST(StabilityTracker, AFileAWriterHoldsOpenIsNeverReadyHoweverLongItStaysTheSame) {
  adapters::StabilityTracker t;
  using Seen = adapters::StabilityTracker::Seen;
  t.noteEvents({}, {"open"});
  EXPECT_TRUE(t.ready({{"open", Seen{20, 1000}}}, 2000, 0, 100).empty());
  EXPECT_TRUE(t.ready({{"open", Seen{20, 1000}}}, 60000, 0, 100).empty()) << "still held open";
  t.noteEvents({{"open", 60100}}, {});
  EXPECT_EQ(t.ready({{"open", Seen{20, 1000}}}, 60200, 0, 100), std::vector<std::string>{"open"})
      << "closed by its writer";
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

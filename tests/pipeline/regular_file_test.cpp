// The folder rule in core (regularFileIdentity, readRegularFileNoFollow): only a regular file
// with one name is read, never through a link; a file swapped (for another file, a link or a
// FIFO) between the check and the read is refused; a FIFO never blocks; the size cap holds.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "renkei/core/file_io.h"
#include "store/store_backends.h"

namespace renkei::test {
namespace {
namespace fs = std::filesystem;

class RegularFileTest : public ::testing::Test {
 protected:
  fs::path file(const std::string& name, const std::string& content) {
    const fs::path p = dir_.path() / name;
    EXPECT_TRUE(writeFileAtomically(p.string(), content).ok());
    return p;
  }
  TempDir dir_;
};

TEST_F(RegularFileTest, ReadsARegularFileWithOneName) {
  const fs::path p = file("a.json", "{}");
  auto id = regularFileIdentity(p.string());
  ASSERT_TRUE(id.ok()) << id.status().toString();
  auto bytes = readRegularFileNoFollow(p.string(), 100, id.value());
  ASSERT_TRUE(bytes.ok()) << bytes.status().toString();
  EXPECT_EQ(bytes.value(), "{}");
}

TEST_F(RegularFileTest, ASymlinkIsRefusedAndNeverFollowed) {
  const fs::path target = file("target.json", "secret");
  const fs::path link = dir_.path() / "link.json";
  fs::create_symlink(target, link);
  auto id = regularFileIdentity(link.string());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::InvalidInput);
  EXPECT_EQ(id.status().message(), "not a regular file: symbolic link refused");
  // Even with the target's own identity, the read does not go through the link.
  auto bytes = readRegularFileNoFollow(link.string(), 100, regularFileIdentity(target.string()).value());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().message(), "not a regular file: symbolic link refused");
}

TEST_F(RegularFileTest, AFileReplacedBetweenTheCheckAndTheReadIsRefused) {
  const fs::path p = file("a.json", "checked");
  auto id = regularFileIdentity(p.string());
  ASSERT_TRUE(id.ok());
  const fs::path other = file("b.json", "swapped in");
  fs::rename(other, p);  // same name, another file
  auto bytes = readRegularFileNoFollow(p.string(), 100, id.value());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::InvalidInput);
  EXPECT_NE(bytes.status().message().find("replaced between its check and its read"),
            std::string::npos);
}

TEST_F(RegularFileTest, AFileReplacedByASymlinkAfterTheCheckIsRefused) {
  const fs::path p = file("a.json", "checked");
  auto id = regularFileIdentity(p.string());
  ASSERT_TRUE(id.ok());
  fs::remove(p);
  fs::create_symlink("/etc/passwd", p);
  auto bytes = readRegularFileNoFollow(p.string(), 1 << 20, id.value());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().message(), "not a regular file: symbolic link refused");
}

TEST_F(RegularFileTest, AFifoIsRefusedWithoutBlocking) {
  const fs::path fifo = dir_.path() / "pipe.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Should a read block on the FIFO, a writer opens it after 3 s: the test still ends, and fails.
  std::thread unblocker([&] {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  });
  const auto started = std::chrono::steady_clock::now();
  auto id = regularFileIdentity(fifo.string());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().message(), "not a regular file: FIFO refused");
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  // A FIFO swapped in after a check: its identity is even the expected one.
  auto bytes = readRegularFileNoFollow(
      fifo.string(), 100, {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
  const auto elapsed = std::chrono::steady_clock::now() - started;
  unblocker.join();
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().message(), "not a regular file: FIFO refused");
  EXPECT_LT(elapsed, std::chrono::seconds(2)) << "the read blocked on the FIFO";
}

TEST_F(RegularFileTest, AHardLinkIsRefused) {
  const fs::path target = file("outside.json", "secret");
  const fs::path link = dir_.path() / "hl.json";
  fs::create_hard_link(target, link);
  auto id = regularFileIdentity(link.string());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().message(), "hard link refused: the file has 2 names");
  struct stat st {};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  auto bytes = readRegularFileNoFollow(
      link.string(), 100, {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().message(), "hard link refused: the file has 2 names");
}

TEST_F(RegularFileTest, FoldersAreRefusedMissingFilesAreNotFoundAndTheCapHolds) {
  fs::create_directories(dir_.path() / "sub");
  EXPECT_EQ(regularFileIdentity((dir_.path() / "sub").string()).status().message(),
            "not a regular file: directory refused");
  EXPECT_EQ(regularFileIdentity((dir_.path() / "none").string()).status().code(),
            StatusCode::NotFound);
  const fs::path big = file("big.json", std::string(500, ' '));
  auto bytes = readRegularFileNoFollow(big.string(), 100, regularFileIdentity(big.string()).value());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::TooLarge);
  EXPECT_EQ(bytes.status().message().find(big.string()), std::string::npos) << "no path in messages";
}

}  // namespace
}  // namespace renkei::test

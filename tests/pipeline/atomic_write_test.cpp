// writeFilesAtomically (core/atomic_write.cpp): every file of a batch lands whole under its
// name, a file that cannot be written fails alone, no temporary is left behind, and batches
// larger than the files held open at once are written in full.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "renkei/core/file_io.h"
#include "store/store_backends.h"

namespace renkei::test {
namespace {
namespace fs = std::filesystem;

std::string contentOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::size_t entriesIn(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicWrite, EveryFileOfABatchLandsWholeInItsFolderAndOneBadPathFailsAlone) {
  TempDir dir;
  fs::create_directories(dir.path() / "a");
  fs::create_directories(dir.path() / "b");
  const std::string big(100'000, 'x');
  std::vector<FileToWrite> files = {{(dir.path() / "a" / "1.json").string(), "one"},
                                    {(dir.path() / "missing" / "2.json").string(), "two"},
                                    {(dir.path() / "b" / "3.json").string(), big},
                                    {(dir.path() / "a" / "4.json").string(), ""}};
  const std::vector<Status> statuses = writeFilesAtomically(files);
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0].toString();
  EXPECT_FALSE(statuses[1].ok());
  EXPECT_NE(statuses[1].message().find("cannot create"), std::string::npos) << statuses[1].message();
  EXPECT_TRUE(statuses[2].ok()) << statuses[2].toString();
  EXPECT_TRUE(statuses[3].ok()) << statuses[3].toString();
  EXPECT_EQ(contentOf(dir.path() / "a" / "1.json"), "one");
  EXPECT_EQ(contentOf(dir.path() / "b" / "3.json"), big);
  EXPECT_TRUE(fs::exists(dir.path() / "a" / "4.json"));
  EXPECT_EQ(fs::file_size(dir.path() / "a" / "4.json"), 0u);
  EXPECT_EQ(entriesIn(dir.path() / "a"), 2u) << "no temporaries left";
  EXPECT_EQ(entriesIn(dir.path() / "b"), 1u);
}

TEST(AtomicWrite, ABatchLargerThanTheFilesHeldOpenIsWrittenInFullAndReplacesOldContent) {
  TempDir dir;
  std::vector<std::string> bodies;
  std::vector<FileToWrite> files;
  for (int i = 0; i < 150; ++i) bodies.push_back("body " + std::to_string(i));
  for (int i = 0; i < 150; ++i) files.push_back({(dir.path() / (std::to_string(i) + ".json")).string(), bodies[i]});
  ASSERT_TRUE(writeFileAtomically(files[7].path, "old").ok());
  for (const Status& s : writeFilesAtomically(files)) EXPECT_TRUE(s.ok()) << s.toString();
  EXPECT_EQ(entriesIn(dir.path()), 150u);
  EXPECT_EQ(contentOf(files[7].path), "body 7");
  EXPECT_EQ(contentOf(files[149].path), "body 149");
  EXPECT_TRUE(writeFilesAtomically({}).empty());
}

}  // namespace
}  // namespace renkei::test

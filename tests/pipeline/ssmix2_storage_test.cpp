// The SS-MIX2 storage source's pure parts: paths and file names (each disagreement between the
// folders and the name named), the agreement of a message with its place (PID-3, MSH-9), and the
// read-only walk (depth, links reported and never followed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "source_ssmix2/ssmix2_path.h"
#include "source_ssmix2/storage_walk.h"
#include "store/store_backends.h"

namespace renkei::adapters {
namespace {

TEST(Ssmix2Path, ReadsEveryPartOfAWellFiledName) {
  auto f = parseSsmix2Path("999/901/9999013/20111120/ADT-22/9999013_20111120_ADT-22_999999999999999_20111220224447339_01_1");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->patientId, "9999013");
  EXPECT_EQ(f->date, "20111120");
  EXPECT_EQ(f->dataType, "ADT-22");
  EXPECT_EQ(f->orderNumber, "999999999999999");
  EXPECT_EQ(f->timestamp, "20111220224447339");
  EXPECT_EQ(f->department, "01");
  EXPECT_TRUE(f->valid);
  auto cancelled = parseSsmix2Path("000/000/0000001/-/OMD/0000001_-_OMD_-_20110701113813226_-_0");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().message();
  EXPECT_FALSE(cancelled->valid);
  EXPECT_EQ(cancelled->date, "-");
}

TEST(Ssmix2Path, TheNameSaysWhenTheMessageWasWritten) {
  EXPECT_EQ(ssmix2WrittenAt("000/001/0000012345/20241120/ADT-22/0000012345_20241120_ADT-22_000000000000001_20241120103000123_01_1"),
            "20241120103000123");
  EXPECT_EQ(ssmix2WrittenAt("0000012345_-_ADT-00_-_20241121090000000_-_1"), "20241121090000000");
  EXPECT_EQ(ssmix2WrittenAt("a/b/notes.txt"), "");
  EXPECT_EQ(ssmix2WrittenAt("a_b_c_d_2024_f_1"), "") << "not 17 digits";
  // The scan takes a patient's messages in this order: the admission before a later ADT-00,
  // although "-" (the ADT-00 folder) sorts before "2" (the admission's date folder).
  EXPECT_LT(ssmix2WrittenAt("1/2/3/20241120/ADT-22/3_20241120_ADT-22_1_20241120103000000_01_1"),
            ssmix2WrittenAt("1/2/3/-/ADT-00/3_-_ADT-00_-_20241125090000000_-_1"));
}

TEST(Ssmix2Path, NamesEachDisagreementWithoutTheValue) {
  const std::map<std::string, std::string> cases = {
      {"000/000/0000001/20000401/ADT-31/9999013_20110630_OMP-11_1_20110701113813225_01_1", "patient folder"},
      {"999/902/9999013/-/ADT-00/9999013_-_ADT-00_-_20110701113813225_-_1", "first and second three"},
      {"999/901/9999013/20111121/ADT-22/9999013_20111120_ADT-22_-_20110701113813225_-_1", "date folder"},
      {"999/901/9999013/-/ADT-01/9999013_-_ADT-00_-_20110701113813225_-_1", "data type folder"},
      {"999/901/9999013/-/ADT-00/9999013_-_ADT-00_-_2011070111381322_-_1", "17 digits"},
      {"999/901/9999013/-/ADT-00/9999013_-_ADT-00_-_20110701113813225_-_2", "condition flag"},
      {"999/901/9999013/-/ADT-00/9999013_-_ADT-00_20110701113813225_-_1", "7 parts"},
      {"999/901/9999013/ADT-00/9999013_-_ADT-00_-_20110701113813225_-_1", "depth"},
      {"999/901/99990/-/ADT-00/99990_-_ADT-00_-_20110701113813225_-_1", "shorter than 6"},
      {"999/901/9999013/2011112/ADT-22/9999013_2011112_ADT-22_-_20110701113813225_-_1", "YYYYMMDD"}};
  for (const auto& [path, why] : cases) {
    auto f = parseSsmix2Path(path);
    ASSERT_FALSE(f.ok()) << path;
    EXPECT_NE(f.status().message().find(why), std::string::npos) << path << ": " << f.status().message();
    EXPECT_EQ(f.status().message().find("9999013"), std::string::npos) << "no patient id in the reason";
  }
}

hl7v2::Message message(const std::string& type, const std::string& pid3) {
  auto m = hl7v2::Message::parse("MSH|^~\\&|HIS||||20241122||" + type + "|1|P|2.5\rPID|1||" + pid3 + "\r");
  EXPECT_TRUE(m.ok());
  return std::move(m).value();
}

TEST(Ssmix2Content, ThePatientAndTheMessageTypeMustBeTheFilesOwn) {
  auto place = parseSsmix2Path("999/901/9999013/20111120/ADT-22/9999013_20111120_ADT-22_-_20111220224447339_01_1");
  ASSERT_TRUE(place.ok());
  EXPECT_TRUE(checkSsmix2Content(*place, message("ADT^A01^ADT_A01", "9999013^^^^PI")).ok());
  EXPECT_TRUE(checkSsmix2Content(*place, message("ADT^A11", "X1~9999013^^^^PI")).ok()) << "a cancellation, an id in a repetition";
  auto other = checkSsmix2Content(*place, message("ADT^A01", "12345678^^^^PI"));
  EXPECT_NE(other.message().find("PID-3"), std::string::npos);
  auto type = checkSsmix2Content(*place, message("ADT^A03", "9999013"));
  EXPECT_NE(type.message().find("ADT^A03 is not one data type ADT-22 holds"), std::string::npos) << type.message();
  auto unknown = parseSsmix2Path("999/901/9999013/-/ZZZ-99/9999013_-_ZZZ-99_-_20111220224447339_01_1");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(checkSsmix2Content(*unknown, message("ZZZ^Z99", "9999013")).ok()) << "unknown data types are not checked";
}

TEST(StorageWalk, FoldersItMayNotReadAndFoldersWhereFilesBelongAreListed) {
  test::TempDir dir;
  const std::filesystem::path root = dir.path() / "storage";
  std::filesystem::create_directories(root / "a" / "closed");
  std::filesystem::create_directories(root / "a" / "b" / "folder-not-file");
  std::ofstream(root / "a" / "closed" / "file") << "x";
  std::filesystem::permissions(root / "a" / "closed", std::filesystem::perms::none);
  auto walked = walkStorage(root.string(), 3, 1, [](const WalkedFile&) { return true; });
  std::filesystem::permissions(root / "a" / "closed", std::filesystem::perms::owner_all);
  ASSERT_TRUE(walked.ok());
  std::map<std::string, std::string> refused;
  for (const WalkedFile& f : walked->kept) refused[f.path] = f.refused;
  if (::geteuid() != 0) {  // root reads every folder
    EXPECT_NE(refused["a/closed"].find("may not read"), std::string::npos);
  }
  EXPECT_NE(refused["a/b/folder-not-file"].find("a folder where a message file belongs"), std::string::npos);
}

TEST(StorageWalk, VisitsFilesAtTheirDepthAndReportsLinksWithoutFollowingThem) {
  test::TempDir dir;
  const std::filesystem::path root = dir.path() / "storage";
  std::filesystem::create_directories(root / "a" / "b");
  std::filesystem::create_directories(dir.path() / "outside" / "c");
  std::ofstream(root / "a" / "b" / "file") << "x";
  std::ofstream(root / "a" / "shallow") << "not at the layout's depth";
  std::ofstream(dir.path() / "outside" / "c" / "secret") << "s";
  std::filesystem::create_symlink(dir.path() / "outside", root / "a" / "linked-folder");
  std::filesystem::create_symlink("/etc/passwd", root / "a" / "b" / "passwd");
  std::map<std::string, WalkedFile> seen;
  auto walked = walkStorage(root.string(), 3, 2, [](const WalkedFile& f) { return f.path != "a/b/file" || f.size == 1; });
  ASSERT_TRUE(walked.ok());
  for (WalkedFile& f : walked->kept) seen[f.path] = std::move(f);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(walked->entries, 4);
  EXPECT_NE(seen["a/shallow"].refused.find("outside the storage's layout"), std::string::npos)
      << "a misfiled file is listed, never passed over";
  EXPECT_EQ(seen["a/b/file"].size, 1);
  EXPECT_TRUE(seen["a/b/file"].refused.empty());
  EXPECT_NE(seen["a/b/passwd"].refused.find("symbolic link"), std::string::npos);
  EXPECT_NE(seen["a/linked-folder"].refused.find("symbolic link"), std::string::npos) << "a linked folder is not entered";
  auto none = [](const WalkedFile&) { return true; };
  EXPECT_EQ(walkStorage((dir.path() / "missing").string(), 3, 2, none).status().code(), StatusCode::Unavailable);
  std::filesystem::create_symlink(root, dir.path() / "root-link");
  EXPECT_FALSE(walkStorage((dir.path() / "root-link").string(), 3, 2, none).ok()) << "the root itself is not followed";
}

TEST(StorageWalk, ThreadsSeeEveryFileOnceAndKeepOnlyWhatIsChosen) {
  test::TempDir dir;
  const std::filesystem::path root = dir.path() / "storage";
  for (int i = 0; i < 300; ++i) {
    const std::filesystem::path folder = root / "000" / std::to_string(i % 37) / std::to_string(i);
    std::filesystem::create_directories(folder);
    std::ofstream(folder / "f") << std::string(static_cast<std::size_t>(i), 'x');
  }
  for (int threads : {1, 2, 4}) {
    auto walked = walkStorage(root.string(), 4, threads, [](const WalkedFile& f) { return f.size % 2 == 0; });
    ASSERT_TRUE(walked.ok());
    EXPECT_EQ(walked->entries, 300) << threads;
    std::set<std::string> paths;
    for (const WalkedFile& f : walked->kept) paths.insert(f.path);
    EXPECT_EQ(paths.size(), 150u) << threads;
    EXPECT_EQ(walked->kept.size(), 150u) << threads;
  }
}

}  // namespace
}  // namespace renkei::adapters

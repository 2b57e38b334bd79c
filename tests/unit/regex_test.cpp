// ICU-backed regexes: full matches, and a time limit instead of a hang on hostile patterns.
#include <gtest/gtest.h>

#include <chrono>

#include "renkei/core/regex.h"

namespace renkei {
namespace {

TEST(Regex, MatchesWholeValuesIncludingJapanese) {
  auto re = Regex::compile("[\\u30A1-\\u30F6\\u30FC]+( [\\u30A1-\\u30F6\\u30FC]+)?");
  ASSERT_TRUE(re.ok()) << re.status().message();
  EXPECT_TRUE(re->fullMatch("レンケイ ハナコ").value());
  EXPECT_FALSE(re->fullMatch("れんけい はなこ").value());
  EXPECT_FALSE(re->fullMatch("ﾚﾝｹｲ").value()) << "half-width katakana is not SYL";
  EXPECT_TRUE(re->find("x レンケイ y").value());
}

TEST(Regex, ReplacesWithGroups) {
  auto re = Regex::compile("([0-9]{3})([0-9]{4})");
  ASSERT_TRUE(re.ok());
  EXPECT_EQ(re->replaceAll("1638001", "$1-$2").value(), "163-8001");
}

TEST(Regex, BadPatternsAreErrors) {
  auto re = Regex::compile("(unclosed");
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(re.status().code(), StatusCode::InvalidInput);
}

TEST(Regex, CatastrophicBacktrackingHitsTheTimeLimit) {
  auto re = Regex::compile("(a+)+$");
  ASSERT_TRUE(re.ok());
  std::string text(64, 'a');
  text += 'b';
  auto start = std::chrono::steady_clock::now();
  auto r = re->fullMatch(text);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::Unavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

}  // namespace
}  // namespace renkei

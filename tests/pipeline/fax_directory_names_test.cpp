// dictionary:organizations for fax forms: the directory's Organization names and aliases, kept
// as the FHIR API keeps them, compared after NFKC without spaces, reloaded within a minute.
#include <gtest/gtest.h>

#include "pipeline/care_pipeline_fixture.h"
#include "source_fax_forms/directory_names.h"

namespace renkei::test {
namespace {

class FaxDirectoryNamesTest : public CarePipelineFixture {};

TEST_F(FaxDirectoryNamesTest, NamesAndAliasesOfTheDirectoryAreKnown) {
  buildCare({"family-doctor"}, {"desk"}, {"desk"});
  put("ward-desk", R"({"resourceType":"Organization","id":"oji-cp","name":"王子ケアプランセンター","alias":["王子ＣＰＣ"]})");
  adapters::DirectoryNames names(store_);
  EXPECT_TRUE(names.known("王子ケアプランセンター", 1000));
  EXPECT_TRUE(names.known("王子 ケアプラン センター", 1000)) << "spaces do not count";
  EXPECT_TRUE(names.known("王子CPC", 1000)) << "an alias, full-width letters as NFKC reads them";
  EXPECT_FALSE(names.known("王子ケアセンター", 1000));
  put("ward-desk", R"({"resourceType":"Organization","id":"akabane","name":"赤羽在宅診療所"})");
  EXPECT_FALSE(names.known("赤羽在宅診療所", 30'000)) << "the names read a moment ago still answer";
  EXPECT_TRUE(names.known("赤羽在宅診療所", 61'001)) << "reloaded after a minute";
}

}  // namespace
}  // namespace renkei::test

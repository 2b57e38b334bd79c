// Routing: the municipality table and address matching, the facts of a message, and rule
// decisions with their recorded reasons.
#include <gtest/gtest.h>

#include "renkei/fhir/resource_reader.h"
#include "renkei/routing/router.h"
#include "support/test_env.h"

namespace renkei::routing {
namespace {

TEST(Municipalities, TheTableHoldsTokyos62WithCodesNamesAndRomaji) {
  const MunicipalityTable& t = MunicipalityTable::tokyo();
  EXPECT_EQ(t.all().size(), 62u);
  ASSERT_NE(t.find("131041"), nullptr);
  EXPECT_EQ(t.find("131041")->name, "新宿区");
  EXPECT_EQ(t.find("新宿区")->code, "131041");
  EXPECT_EQ(t.find("shinjuku-ku")->code, "131041");
  EXPECT_EQ(t.find("大阪市"), nullptr);
}

TEST(Municipalities, AddressesMatchByCityThenByTheLongestNameInTheText) {
  const MunicipalityTable& t = MunicipalityTable::tokyo();
  EXPECT_EQ(t.fromAddress("中野区", "")->code, "131148");
  EXPECT_EQ(t.fromAddress("", "東京都東村山市本町1-2-3")->name, "東村山市");
  EXPECT_EQ(t.fromAddress("", "東京都武蔵村山市本町1-1")->name, "武蔵村山市");
  EXPECT_EQ(t.fromAddress("", "大阪府大阪市北区"), nullptr) << "not Tokyo's 北区";
  EXPECT_EQ(t.fromAddress("北区", "")->code, "131172");
}

class RoutingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto read = fhir::readResource(
        test::readText(test::sourceDir() / "samples/fhir/Bundle-discharge-notice.json"),
        fhir::SourceFormat::Json);
    ASSERT_TRUE(read.ok());
    doc_ = std::move(read.document);
  }
  RoutingDecision decide(std::vector<RouteRule> rules, const std::string& source = "inbox") {
    auto router = Router::compile(std::move(rules), test::coreDefinitions());
    EXPECT_TRUE(router.ok()) << router.status().message();
    return router.value()->decide(source, *doc_->root(), collectFacts(*doc_->root()));
  }
  std::unique_ptr<fhir::Document> doc_;
};

TEST_F(RoutingTest, FactsOfTheDischargeNotice) {
  MessageFacts f = collectFacts(*doc_->root());
  EXPECT_EQ(f.resourceTypes.front(), "Bundle");
  EXPECT_NE(std::find(f.resourceTypes.begin(), f.resourceTypes.end(), "Encounter"),
            f.resourceTypes.end());
  EXPECT_EQ(f.event, EventKind::Discharge);
  ASSERT_NE(f.municipality, nullptr);
  EXPECT_EQ(f.municipality->code, "131041");
  EXPECT_FALSE(f.patientKey.empty());
}

TEST_F(RoutingTest, EveryCriterionMustHoldAndTheRecordSaysWhy) {
  RouteRule shinjuku{"shinjuku", {}, {"Encounter"}, {}, {"新宿区"}, {"discharge"},
                     "entry.resource.ofType(Encounter).where(class.code = 'IMP').exists()",
                     {"care-office", "ward"}};
  RouteRule nakano{"nakano", {}, {}, {}, {"131148"}, {}, "", {"nakano-office"}};
  RouteRule admissions{"admissions", {}, {}, {}, {}, {"admission"}, "", {"hospital"}};
  RouteRule all{"all", {}, {}, {}, {}, {}, "", {"archive", "ward"}};
  RoutingDecision d = decide({shinjuku, nakano, admissions, all});
  EXPECT_EQ(d.deliveries,
            (std::vector<RoutedDelivery>{{"care-office", ""}, {"ward", ""}, {"archive", ""}}))
      << "fan-out, each destination once";
  EXPECT_NE(d.record.find("\"route\":\"shinjuku\",\"matched\":true"), std::string::npos) << d.record;
  EXPECT_NE(d.record.find("no: patient municipality 131041 in [131148]"), std::string::npos)
      << d.record;
  EXPECT_NE(d.record.find("no: event discharge in [admission]"), std::string::npos) << d.record;
}

TEST_F(RoutingTest, SourcesAndConditionsFilter) {
  RouteRule fromFax{"fax-only", {"fax"}, {}, {}, {}, {}, "", {"x"}};
  RouteRule never{"never", {}, {}, {}, {}, {}, "entry.resource.ofType(Patient).gender = 'male'",
                  {"y"}};
  RouteRule broken{"broken", {}, {}, {}, {}, {}, "entry.resource.ofType(Patient).name.single().family",
                   {"z"}};
  RoutingDecision d = decide({fromFax, never, broken});
  EXPECT_TRUE(d.deliveries.empty());
  EXPECT_NE(d.record.find("no: source inbox in [fax]"), std::string::npos) << d.record;
  EXPECT_NE(d.record.find("no: condition"), std::string::npos) << d.record;
}

TEST(RouterCompile, AllErrorsAtOnce) {
  RouteRule a{"a", {}, {}, {}, {"大阪市"}, {"birthday"}, "name.where(", {"x"}};
  auto r = Router::compile({a}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown municipality"), std::string::npos);
  EXPECT_NE(r.status().message().find("event must be"), std::string::npos);
  EXPECT_NE(r.status().message().find("condition"), std::string::npos);
}

}  // namespace
}  // namespace renkei::routing

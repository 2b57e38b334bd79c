// The care directory from a ward's spreadsheet: a transaction Bundle of PUTs (valid R4) with the
// organization's identifiers, address, phone and fax, its Endpoint naming the channel and its
// HealthcareService for specialties and home visits; every bad row refused with its line.
#include <gtest/gtest.h>

#include "renkei/care/directory_csv.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhirpath/invariants.h"
#include "support/test_env.h"

namespace renkei::care {
namespace {

TEST(DirectoryCsv, RowsBecomeOrganizationsEndpointsAndServices) {
  const std::string csv =
      "\xEF\xBB\xBFID,名称,種別,市区町村,住所,電話,FAX,医療機関コード,連携先,診療科,往診\n"
      "clinic-b,佐藤内科クリニック,診療所,中野区,東京都中野区中野1-1-1,03-1111-2222,03-1111-2223,"
      "1312345678,fax-out,内科;皮膚科、眼科,可\n"
      "office-c,居宅介護支援センターC,居宅介護支援,新宿区,,03-3333-4444,,,ward-b-folder,,\n";
  auto bundle = directoryBundleFromCsv(csv, mapping::TextEncoding::Utf8);
  ASSERT_TRUE(bundle.ok()) << bundle.status().toString();
  auto read = fhir::readJson(bundle.value());
  ASSERT_TRUE(read.ok()) << read.status.message();
  auto result = fhirpath::makeValidator(test::coreDefinitions())->validate(*read.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "directory") << bundle.value();
  const std::string& b = bundle.value();
  EXPECT_NE(b.find(R"("type":"transaction")"), std::string::npos);
  EXPECT_NE(b.find(R"("request":{"method":"PUT","url":"Organization/clinic-b"})"), std::string::npos) << b;
  EXPECT_NE(b.find(R"({"system":"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no","value":"1312345678"})"),
            std::string::npos);
  EXPECT_NE(b.find(R"("address":[{"text":"東京都中野区中野1-1-1","city":"中野区","state":"東京都"}])"),
            std::string::npos) << b;
  EXPECT_NE(b.find(R"({"system":"fax","value":"03-1111-2223","use":"work"})"), std::string::npos);
  EXPECT_NE(b.find(R"("endpoint":[{"reference":"Endpoint/ep-clinic-b"}])"), std::string::npos);
  EXPECT_NE(b.find(R"("identifier":[{"system":"https://fhir.renkei.jp/sid/channel","value":"fax-out"}])"),
            std::string::npos);
  EXPECT_NE(b.find(R"("address":"fax:03-1111-2223")"), std::string::npos) << "a fax channel's number";
  EXPECT_NE(b.find(R"("specialty":[{"text":"内科"},{"text":"皮膚科"},{"text":"眼科"}])"), std::string::npos) << b;
  EXPECT_NE(b.find(R"("characteristic":[{"coding":[{"system":"https://fhir.renkei.jp/CodeSystem/service-characteristic","code":"home-visit"}],"text":"往診可能"}])"), std::string::npos);
  EXPECT_EQ(b.find("HealthcareService/hs-office-c"), std::string::npos) << "no specialties, no service";
}

TEST(DirectoryCsv, EveryProblemIsReportedWithItsLineAndNothingIsMade) {
  const std::string csv =
      "id,name,kind,municipality,colour,home_visit\n"
      "a b,名前,clinic,中野区,,yes\n"
      "ok,,nursery,大阪市,,maybe\n"
      "ok,二重,clinic,,,\n";
  auto bundle = directoryBundleFromCsv(csv, mapping::TextEncoding::Utf8);
  ASSERT_FALSE(bundle.ok());
  const std::string m = bundle.status().message();
  for (const char* problem :
       {"line 1: unknown column 'colour'", "line 2: id 'a b' must be", "line 3: name is empty",
        "line 3: unknown municipality '大阪市'", "line 3: unknown kind 'nursery'",
        "line 3: home_visit must be yes or no", "line 4: id 'ok' is listed twice"}) {
    EXPECT_NE(m.find(problem), std::string::npos) << problem << "\n" << m;
  }
  EXPECT_FALSE(directoryBundleFromCsv("名称\n佐藤\n", mapping::TextEncoding::Utf8).ok())
      << "id is required";
}

}  // namespace
}  // namespace renkei::care

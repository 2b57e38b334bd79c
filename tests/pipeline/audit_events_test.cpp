// API audit records as FHIR AuditEvents: interaction, action and outcome from the request, the
// client and its organization as agents, the resource or message as entity — and the Bundle is
// valid R4.
#include <gtest/gtest.h>

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/audit_events.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {

TEST(AuditEvents, RecordsBecomeValidAuditEvents) {
  const std::vector<store::AuditRecord> records = {
      {1'763'700'000'123, "hospital", "shinjuku-general", "1311234567", "POST", "/fhir/Patient", 201, 42},
      {1'763'700'001'000, "hospital", "shinjuku-general", "1311234567", "PUT", "/fhir/Patient/p1", 412, 43},
      {1'763'700'002'000, "hospital", "", "", "GET", "/fhir/Patient/p1", 401, 0},
      {1'763'700'003'000, "hospital", "reader", "org-b", "GET", "/fhir/Patient/p1/_history/2", 200, 0},
      {1'763'700'004'000, "hospital", "reader", "org-b", "GET", "/fhir/Patient", 503, 0},
      {1'763'700'005'000, "hospital", "shinjuku-general", "1311234567", "POST", "/fhir", 200, 44}};
  const std::string bundle = pipeline::auditEventBundle(records, "Renkei test");

  auto read = fhir::readJson(bundle);
  ASSERT_TRUE(read.ok()) << read.status.message();
  auto result = fhirpath::makeValidator(coreDefinitions())->validate(*read.document);
  EXPECT_TRUE(result.valid()) << fhir::issuesAsText(result.issues, "audit") << bundle;

  const std::string create = pipeline::auditEventJson(records[0], "Renkei test");
  EXPECT_NE(create.find(R"("code":"create")"), std::string::npos) << create;
  EXPECT_NE(create.find(R"("action":"C")"), std::string::npos);
  EXPECT_NE(create.find(R"("recorded":"2025-11-21T04:40:00.123Z")"), std::string::npos) << create;
  EXPECT_NE(create.find(R"("outcome":"0")"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:api-client","value":"shinjuku-general"})"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:organization","value":"1311234567"})"), std::string::npos);
  EXPECT_NE(create.find(R"({"system":"urn:renkei:message","value":"42"})"), std::string::npos);

  const std::string refused = pipeline::auditEventJson(records[1], "Renkei test");
  EXPECT_NE(refused.find(R"("code":"update")"), std::string::npos);
  EXPECT_NE(refused.find(R"("outcome":"4")"), std::string::npos);
  EXPECT_NE(refused.find(R"("reference":"Patient/p1")"), std::string::npos);
  EXPECT_NE(pipeline::auditEventJson(records[2], "x").find("unauthenticated request"), std::string::npos);
  EXPECT_NE(pipeline::auditEventJson(records[3], "x").find(R"("code":"vread")"), std::string::npos);
  const std::string failed = pipeline::auditEventJson(records[4], "x");
  EXPECT_NE(failed.find(R"("code":"search-type")"), std::string::npos);
  EXPECT_NE(failed.find(R"("outcome":"8")"), std::string::npos) << "a 5xx is our failure";
  EXPECT_NE(pipeline::auditEventJson(records[5], "x").find(R"("code":"transaction")"), std::string::npos);
}

}  // namespace
}  // namespace renkei::test

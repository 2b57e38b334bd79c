// The FHIRPath engine through its public API: compile once, evaluate many times (also from
// several threads), errors with positions, limits, variables, FHIR functions and the
// invariants the validator now runs.
#include <gtest/gtest.h>

#include <thread>

#include "support/test_env.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhirpath/evaluator.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/fhirpath/output.h"

namespace renkei::fhirpath {
namespace {

constexpr const char* kPatient = R"({"resourceType":"Patient","id":"p1","active":true,
  "name":[{"use":"official","family":"山田","given":["花子"]},
          {"use":"usual","family":"ヤマダ","given":["ハナコ"]}],
  "birthDate":"1942-03-09","gender":"female"})";

class FhirPathTest : public ::testing::Test {
 protected:
  const fhir::Node& load(const std::string& json) {
    auto r = fhir::readJson(json);
    EXPECT_TRUE(r.ok()) << r.status.message();
    docs_.push_back(std::move(r.document));
    return *docs_.back()->root();
  }

  Result<Expression> compile(const std::string& text, CompileOptions options = {}) {
    options.definitions = test::coreDefinitions();
    return Expression::compile(text, options);
  }

  /// The result as "type:value" texts, or "error: ..." on failure.
  std::vector<std::string> eval(const std::string& text, const fhir::Node& focus,
                                const Environment& env = {}) {
    auto expr = compile(text);
    if (!expr.ok()) return {"compile error: " + expr.status().message()};
    auto r = evaluator_.evaluate(*expr, focus, env);
    if (!r.ok()) return {"error: " + r.status().message()};
    std::vector<std::string> out;
    for (const Item& i : *r) out.push_back(typeNameOf(i) + ":" + literalText(i).value_or("{}"));
    return out;
  }

  using Strings = std::vector<std::string>;
  Evaluator evaluator_;
  std::vector<std::unique_ptr<fhir::Document>> docs_;
};

TEST_F(FhirPathTest, NavigatesTypedElements) {
  const fhir::Node& p = load(kPatient);
  EXPECT_EQ(eval("Patient.name.where(use='official').family", p), Strings{"string:山田"});
  EXPECT_EQ(eval("name.given.first().length()", p), Strings{"integer:2"});
  EXPECT_EQ(eval("active and birthDate < @2000-01-01", p), Strings{"boolean:true"});
  EXPECT_EQ(eval("birthDate", p), Strings{"date:@1942-03-09"});
  EXPECT_EQ(eval("gender.is(code) and gender.is(string) and gender.as(string).empty()", p),
            Strings{"boolean:true"});
  EXPECT_EQ(eval("name.family.select(substring(1))", p), (Strings{"string:田", "string:マダ"}));
}

TEST_F(FhirPathTest, RoutingRuleOnAnEncounter) {
  const fhir::Node& e = load(R"({"resourceType":"Encounter","status":"finished",
    "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"}})");
  EXPECT_EQ(eval("Encounter.where(class.code='IMP').exists()", e), Strings{"boolean:true"});
  EXPECT_EQ(eval("Encounter.where(class.code='AMB').exists()", e), Strings{"boolean:false"});
}

TEST_F(FhirPathTest, SyntaxErrorsCarryTheirPosition) {
  auto e = compile("name.where(use = 'official'");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("1:28"), std::string::npos) << e.status().message();
  auto f = compile("name.\n  wheer(true)");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("unknown function 'wheer'"), std::string::npos);
  EXPECT_NE(f.status().message().find("2:3"), std::string::npos) << f.status().message();
  EXPECT_FALSE(compile("'unterminated").ok());
  EXPECT_FALSE(compile("1 +").ok());
  EXPECT_FALSE(compile("substring()").ok());
  EXPECT_FALSE(compile("%undeclared").ok());
  EXPECT_FALSE(compile("x.is(NoSuchType)").ok());
  EXPECT_FALSE(compile("'a'.matches('(')").ok());
  auto bytes = compile("name = 'caf\xC3'");
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.status().message().find("not valid UTF-8"), std::string::npos);
}

TEST_F(FhirPathTest, StrictModeAndChoiceNames) {
  CompileOptions strict;
  strict.contextType = "Patient";
  strict.strict = true;
  EXPECT_FALSE(compile("name.given1", strict).ok());
  EXPECT_TRUE(compile("name.given", strict).ok());
  CompileOptions typed;
  typed.contextType = "Observation";
  auto e = compile("Observation.valueQuantity.value", typed);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("choice element is 'value'"), std::string::npos);
  EXPECT_TRUE(compile("Observation.value.ofType(Quantity).value", typed).ok());
}

TEST_F(FhirPathTest, LimitsRefuseHugeExpressions) {
  std::string deep(500, '(');
  deep += "1" + std::string(500, ')');
  auto e = compile(deep);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::TooLarge);
  CompileOptions small;
  small.maxLength = 10;
  EXPECT_EQ(compile("name.given.first()", small).status().code(), StatusCode::TooLarge);
}

TEST_F(FhirPathTest, EvaluationErrorsAreStatuses) {
  const fhir::Node& p = load(kPatient);
  EXPECT_NE(eval("name.single()", p)[0].find("error: single(): the input has 2 items"), std::string::npos);
  EXPECT_NE(eval("name.family + 1", p)[0].find("error:"), std::string::npos);
  EXPECT_NE(eval("birthDate + 7", p)[0].find("error:"), std::string::npos);
  EXPECT_NE(eval("name.startsWith('x')", p)[0].find("error:"), std::string::npos);
  EXPECT_EQ(eval("1 / 0", p), Strings{});
}

TEST_F(FhirPathTest, RegularExpressionsHaveATimeLimit) {
  const fhir::Node& p = load(kPatient);
  // Catastrophic backtracking: stopped by ICU's time limit, reported as an evaluation error.
  std::string text = "'" + std::string(40, 'a') + "!'.matches('^(a+)+$')";
  auto r = eval(text, p);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NE(r[0].find("error:"), std::string::npos) << r[0];
}

TEST_F(FhirPathTest, MemoryLimitStopsRunawayEvaluations) {
  const fhir::Node& p = load(kPatient);
  auto expr = compile("(1|2|3|4|5|6|7|8|9|10).select((1|2|3|4|5|6|7|8|9|10).select("
                      "(1|2|3|4|5|6|7|8|9|10).combine((1|2|3|4|5|6|7|8|9|10))))");
  ASSERT_TRUE(expr.ok());
  Evaluator small;
  small.memoryLimit = 4096;
  auto r = small.evaluate(*expr, p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::TooLarge);
  // A string that doubles 40 times would need a terabyte.
  auto doubling = compile("(1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|"
                          "27|28|29|30|31|32|33|34|35|36|37|38|39|40).aggregate($total & $total, 'x')");
  ASSERT_TRUE(doubling.ok());
  Evaluator bounded;
  bounded.memoryLimit = 1u << 20;
  auto d = bounded.evaluate(*doubling, p);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::TooLarge);
}

TEST_F(FhirPathTest, CallerVariablesAndTrace) {
  const fhir::Node& p = load(kPatient);
  CompileOptions options;
  options.variables = {"ward"};
  auto expr = compile("%ward = '13101' and name.trace('names').count() = 2", options);
  ASSERT_TRUE(expr.ok()) << expr.status().message();
  Environment env;
  env.variables.push_back({Item::ofString("13101")});
  std::size_t traced = 0;
  const TraceSink sink = [&](std::string_view name, ItemSpan values) {
    EXPECT_EQ(name, "names");
    traced += values.size;
  };
  env.trace = &sink;
  auto r = evaluator_.evaluate(*expr, p, env);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size, 1u);
  EXPECT_TRUE((*r)[0].boolean);
  EXPECT_EQ(traced, 2u);
}

TEST_F(FhirPathTest, ResolvesInsideABundleAndContained) {
  const fhir::Node& b = load(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"1","gender":"male"}},
    {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Encounter","status":"finished",
      "class":{"code":"HH"},"subject":{"reference":"urn:uuid:1"},
      "contained":[{"resourceType":"Organization","id":"o","name":"訪問看護"}],
      "serviceProvider":{"reference":"#o"}}}]})");
  EXPECT_EQ(eval("entry.resource.ofType(Encounter).subject.resolve().gender", b), Strings{"code:male"});
  const fhir::Node& enc = *b.child("entry")->next->child("resource");
  Environment env;
  env.resource = &enc;
  env.rootResource = &enc;
  auto expr = compile("serviceProvider.resolve().name");
  ASSERT_TRUE(expr.ok());
  auto r = evaluator_.evaluate(*expr, enc, env);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size, 1u);
  EXPECT_EQ(*literalText((*r)[0]), "訪問看護");
}

TEST_F(FhirPathTest, MemberOfUsesLocalValueSets) {
  const fhir::Node& p = load(kPatient);
  EXPECT_EQ(eval("gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", p),
            Strings{"boolean:true"});
  EXPECT_EQ(eval("gender.memberOf('http://hl7.org/fhir/ValueSet/marital-status')", p),
            Strings{"boolean:false"});
  EXPECT_EQ(eval("gender.memberOf('http://example.org/unknown')", p), Strings{});
}

TEST_F(FhirPathTest, CompiledExpressionsAreSharedAcrossThreads) {
  const fhir::Node& p = load(kPatient);
  auto expr = compile("Patient.name.where(use='official').family = '山田'");
  ASSERT_TRUE(expr.ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Evaluator mine;
      for (int i = 0; i < 2000; ++i) {
        auto r = mine.evaluate(*expr, p);
        if (!r.ok() || r->size != 1 || !(*r)[0].boolean) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(FhirPathTest, ResultJsonForTheCli) {
  const fhir::Node& p = load(kPatient);
  auto expr = compile("name.first() | 2.50 | 3 'mg' | birthDate");
  ASSERT_TRUE(expr.ok());
  auto r = evaluator_.evaluate(*expr, p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(resultToJson(*r, test::coreDefinitions().get()),
            R"([{"type":"HumanName","value":{"use":"official","family":"山田","given":["花子"]}},)"
            R"({"type":"decimal","value":2.50},{"type":"Quantity","value":{"value":3,"unit":"mg"}},)"
            R"({"type":"date","value":"1942-03-09"}])");
}

TEST(FhirPathInvariants, EveryLoadedConstraintCompiles) {
  FhirPathInvariants core(test::coreDefinitions());
  EXPECT_GT(core.compiledCount(), 1000u);
  // Medplum's R4 set carries SubscriptionStatus from R4B, whose dom-r4b names R4B-only
  // resource types; that is the one constraint R4 cannot evaluate.
  ASSERT_EQ(core.failures().size(), 1u);
  EXPECT_EQ(core.failures()[0].rfind("dom-r4b: ", 0), 0u) << core.failures()[0];
  EXPECT_GE(core.correctedCount(), 30u);
  if (auto jp = test::jpDefinitions()) {
    FhirPathInvariants withJp(jp);
    EXPECT_EQ(withJp.failures().size(), 1u);
  }
}

TEST(FhirPathInvariants, ValidatorReportsKeyAndText) {
  auto read = fhir::readJson(R"({"resourceType":"Encounter","status":"finished",
    "class":{"code":"HH"},"period":{"start":"2024-05-02","end":"2024-05-01"}})");
  ASSERT_TRUE(read.ok());
  auto validator = makeValidator(test::coreDefinitions());
  auto result = validator->validate(*read.document);
  bool found = false;
  for (const fhir::Issue& i : result.issues) {
    if (i.message.find("per-1") != std::string::npos) {
      found = true;
      EXPECT_EQ(i.expression, "Encounter.period");
      EXPECT_NE(i.message.find("start SHALL have a lower value than end"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace renkei::fhirpath

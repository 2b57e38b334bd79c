// Pure parts of the adapters: the idempotent transaction Bundle, the flat CSV, the CSV in a ward's
// layout (a mapping rendered back), and CP932 (the JIS →
// Microsoft equivalences checked both ways, refusals that name the character and the element),
// the retry arithmetic and HTTP status classification.
#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <cstdio>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/fhir/resource_reader.h"
#include "renkei/mapping/mapping.h"
#include "support/test_env.h"
#include "renkei/pipeline/retry_policy.h"
#include "renkei/pipeline/sink.h"
#include "sink_csv_folder/csv_folder_sink.h"
#include "sink_file_folder/file_folder_sink.h"
#include "sink_fhir_rest/fhir_rest_sink.h"

namespace renkei::adapters {
namespace {

const char* kBundle = R"({"resourceType":"Bundle","type":"transaction","entry":[
  {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111",
   "resource":{"resourceType":"Patient","id":"p","name":[{"family":"連携"}]}},
  {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222",
   "resource":{"resourceType":"Encounter","status":"finished",
     "subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"}}}]})";

TEST(TransactionBundle, PutsEveryResourceUnderAnIdFromTheKeyAndRewritesReferences) {
  auto a = transactionBundle(kBundle, "rk-key-1");
  ASSERT_TRUE(a.ok()) << a.status().message();
  const std::string patientId = pipeline::deterministicId("rk-key-1", "urn:uuid:11111111-1111-4111-8111-111111111111");
  EXPECT_NE(a->find("\"type\":\"transaction\""), std::string::npos);
  EXPECT_NE(a->find("\"url\":\"Patient/" + patientId + "\""), std::string::npos) << *a;
  EXPECT_NE(a->find("\"reference\":\"Patient/" + patientId + "\""), std::string::npos) << *a;
  EXPECT_EQ(a->find("urn:uuid:1111"), std::string::npos) << "no dangling reference";
  EXPECT_EQ(transactionBundle(kBundle, "rk-key-1").value(), *a) << "deterministic";
  EXPECT_NE(transactionBundle(kBundle, "rk-key-2").value(), *a) << "another delivery, other ids";
  EXPECT_LE(patientId.size(), 64u);
}

TEST(TransactionBundle, ADocumentTravelsWhole) {
  auto t = transactionBundle(R"({"resourceType":"Bundle","id":"d","type":"document","entry":[]})", "k");
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->find("\"url\":\"Bundle/" + pipeline::deterministicId("k", "Bundle/d") + "\""),
            std::string::npos) << *t;
}

TEST(TransactionBundle, ASingleResourceBecomesOnePut) {
  auto t = transactionBundle(R"({"resourceType":"Patient","id":"x"})", "k");
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->find("\"url\":\"Patient/" + pipeline::deterministicId("k", "Patient/x") + "\""),
            std::string::npos);
  EXPECT_FALSE(transactionBundle("not json", "k").ok());
}

TEST(TransactionBundle, ASendersOwnIdsBecomeOneReceiverResourcePerSender) {
  const char* put = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:33333333-3333-4333-8333-333333333333",
     "resource":{"resourceType":"Patient","id":"home-1"},"request":{"method":"PUT","url":"Patient/home-1"}},
    {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},
     "subject":{"reference":"Patient/home-1"}},"request":{"method":"POST","url":"Observation"}}]})";
  const std::string id = pipeline::deterministicId(senderNamespace("clinic-a"), "Patient/home-1");
  auto first = transactionBundle(put, "delivery-1", "clinic-a");
  auto second = transactionBundle(put, "delivery-2", "clinic-a");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->find("\"url\":\"Patient/" + id + "\""), std::string::npos) << *first;
  EXPECT_NE(second->find("\"url\":\"Patient/" + id + "\""), std::string::npos)
      << "every delivery of the sender's Patient/home-1 updates one receiver resource";
  EXPECT_NE(first->find("\"reference\":\"Patient/" + id + "\""), std::string::npos)
      << "references to it follow";
  EXPECT_EQ(transactionBundle(put, "delivery-1", "clinic-b")->find(id), std::string::npos)
      << "another sender's Patient/home-1 is another resource";

  // A single-resource update (PUT [base]/Patient/home-1 at Renkei) lands on the same resource.
  auto single = transactionBundle(R"({"resourceType":"Patient","id":"home-1"})", "delivery-3",
                                  "clinic-a", "keep update=Patient/home-1");
  ASSERT_TRUE(single.ok());
  EXPECT_NE(single->find("\"url\":\"Patient/" + id + "\""), std::string::npos) << *single;
}

TEST(TransactionBundle, AMappedRecordPutsEachResourceByItsBusinessKeySoADeletionReplacesThePlan) {
  const char* plan = R"({"resourceType":"Bundle","type":"collection",
    "meta":{"tag":[{"system":"https://fhir.renkei.jp/CodeSystem/mapping","code":"careplan-plan","version":"1"}]},
    "entry":[{"fullUrl":"urn:uuid:44444444-4444-4444-8444-444444444444",
      "resource":{"resourceType":"CarePlan","id":"e895e049","status":"active","intent":"plan",
                  "subject":{"identifier":{"value":"131128:0000123456"}}}}]})";
  std::string withdrawal = plan;
  withdrawal.replace(withdrawal.find("\"active\""), 8, "\"entered-in-error\"");
  const std::string id = pipeline::deterministicId(senderNamespace("care-office-a"), "CarePlan/e895e049");
  auto first = transactionBundle(plan, "delivery-1", "care-office-a");
  auto second = transactionBundle(withdrawal, "delivery-2", "care-office-a");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->find("\"url\":\"CarePlan/" + id + "\""), std::string::npos) << *first;
  EXPECT_NE(second->find("\"url\":\"CarePlan/" + id + "\""), std::string::npos)
      << "the withdrawal is a new version of the plan, not a Bundle of its own";
  EXPECT_EQ(first->find("\"url\":\"Bundle/"), std::string::npos) << "the record's resources travel one by one";
  EXPECT_EQ(transactionBundle(plan, "delivery-1", "care-office-b")->find(id), std::string::npos)
      << "another office's plan of the same key is another resource";
}

TEST(FlatCsv, OneRowPerValueWithQuoting) {
  auto read = fhir::readResource(
      R"({"resourceType":"Patient","id":"p1","name":[{"family":"連携","given":["花子","a,\"b\""]}]})",
      fhir::SourceFormat::Json);
  ASSERT_TRUE(read.ok());
  const std::string csv = flatCsv(*read.document->root());
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "resource_type,resource_id,path,value");
  EXPECT_NE(csv.find("Patient,p1,Patient.name[0].family[0],連携\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Patient,p1,Patient.name[0].given[1],\"a,\"\"b\"\"\"\r\n"), std::string::npos)
      << csv;
}

TEST(Cp932, ConvertsJapaneseAndRefusesWhatItCannotHold) {
  auto ok = toCp932("連携,ｶﾅ,①");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), std::string("\x98\x41\x8c\x67,\xb6\xc5,\x87\x40"));
  EXPECT_FALSE(toCp932("𠮷野家").ok());
}

/// UTF-8 of one code point.
std::string utf8Of(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

/// CP932 bytes back to UTF-8 (ICU's windows-31j, as a ward PC reads the file).
std::string fromCp932(const std::string& bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open("windows-31j", &status);
  EXPECT_TRUE(U_SUCCESS(status));
  icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()), conv, status);
  ucnv_close(conv);
  std::string out;
  text.toUTF8String(out);
  return out;
}

TEST(CsvCp932, TheSevenJisCodePointsAreWrittenAsTheirMicrosoftEquivalents) {
  const std::pair<char32_t, std::string> expected[] = {
      {U'\uFF5E', "\x81\x60"}, {U'\u2225', "\x81\x61"}, {U'\uFF0D', "\x81\x7c"},
      {U'\uFFE0', "\x81\x91"}, {U'\uFFE1', "\x81\x92"}, {U'\uFFE2', "\x81\xca"},
      {U'\u2015', "\x81\x5c"}};
  ASSERT_EQ(kCp932Equivalences.size(), 7u);
  for (std::size_t i = 0; i < kCp932Equivalences.size(); ++i) {
    const auto [jis, microsoft] = kCp932Equivalences[i];
    ASSERT_EQ(microsoft, expected[i].first);
    // JIS → CP932: the JIS code point is written as the Microsoft one's bytes ...
    auto fromJis = toCp932(utf8Of(jis));
    ASSERT_TRUE(fromJis.ok()) << "U+" << std::hex << static_cast<uint32_t>(jis) << ": "
                              << fromJis.status().message();
    EXPECT_EQ(fromJis.value(), expected[i].second) << std::hex << static_cast<uint32_t>(jis);
    // ... the Microsoft code point itself still is ...
    auto fromMicrosoft = toCp932(utf8Of(microsoft));
    ASSERT_TRUE(fromMicrosoft.ok());
    EXPECT_EQ(fromMicrosoft.value(), expected[i].second);
    // ... and CP932 → Unicode: a ward PC reads those bytes back as the Microsoft code point.
    EXPECT_EQ(fromCp932(fromJis.value()), utf8Of(microsoft));
  }
  EXPECT_EQ(toCp932("9時〜17時").value(), std::string("9\x8e\x9e\x81\x60" "17\x8e\x9e"))
      << "波ダッシュ in running text";
}

TEST(CsvCp932, OnlyThoseSevenAreSubstitutedAndTheRefusalNamesTheCharacter) {
  // ICU's fallbacks would turn these into ASCII; they are not among the known equivalences.
  for (char32_t c : {U'\u00A5', U'\u203E', U'\U00020BB7'}) {
    auto refused = toCp932("a" + utf8Of(c) + "b");
    ASSERT_FALSE(refused.ok());
    char name[16];
    std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
    EXPECT_NE(refused.status().message().find(name), std::string::npos)
        << refused.status().message();
  }
}

TEST(FlatCsv, CP932RenderingOfTheWaveDashAndARefusalThatNamesTheElement) {
  auto wave = fhir::readResource(
      R"({"resourceType":"Patient","id":"p1","name":[{"text":"連携〜花子"}]})",
      fhir::SourceFormat::Json);
  ASSERT_TRUE(wave.ok());
  auto csv = flatCsvCp932(*wave.document->root());
  ASSERT_TRUE(csv.ok()) << csv.status().message();
  EXPECT_NE(csv->find("Patient,p1,Patient.name[0].text[0],\x98\x41\x8c\x67\x81\x60\x89\xd4\x8e\x71\r\n"),
            std::string::npos);

  auto kanji = fhir::readResource(
      R"({"resourceType":"Patient","id":"p2","name":[{"family":"連携"},{"family":"𠮷田"}]})",
      fhir::SourceFormat::Json);
  ASSERT_TRUE(kanji.ok());
  auto refused = flatCsvCp932(*kanji.document->root());
  ASSERT_FALSE(refused.ok());
  const std::string& reason = refused.status().message();
  EXPECT_NE(reason.find("U+20BB7"), std::string::npos) << reason;
  EXPECT_NE(reason.find("Patient.name[1].family[0]"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("田"), std::string::npos) << "the rest of the value stays out: " << reason;
}

/// A csv_folder sink writing into `out` (emptied first) with the repository's mappings and the
/// other members of its configuration `members` (JSON).
Result<std::shared_ptr<pipeline::Sink>> freshCsvFolderSink(const std::filesystem::path& out, const std::string& members) {
  std::vector<mapping::MappingError> errors;
  auto mappings = std::make_shared<const mapping::MappingSet>(
      mapping::MappingSet::load((test::sourceDir() / "mappings").string(), errors));
  if (!errors.empty()) return Status::internal(errors[0].message);
  std::filesystem::remove_all(out);
  rapidjson::Document config;
  config.Parse((R"({"type": "csv_folder", "path": ")" + out.string() + "\", " + members + "}").c_str());
  pipeline::AdapterRegistry registry;
  registerCsvFolderSink(registry);
  pipeline::AdapterContext ctx{"ward", &config, nullptr, nullptr, nullptr, nullptr, mappings};
  return registry.sink("csv_folder")->makeSink(ctx);
}

TEST(LayoutCsv, AMessageIsWrittenInTheWardsLayoutOrDeadLetteredNamingTheCharacter) {
  const auto out = std::filesystem::temp_directory_path() / "renkei-layout-csv-test";
  auto sink = freshCsvFolderSink(out, R"("mapping": "setagaya-renkei-sheet")");
  ASSERT_TRUE(sink.ok()) << sink.status().message();

  auto bundle = [](const std::string& family) {
    return R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient",
      "identifier":[{"system":"https://fhir.renkei.jp/NamingSystem/care-insured-number","value":"131128:0000000007"}],
      "name":[{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation","valueCode":"IDE"}],
               "text":")" + family + R"( 花子","family":")" + family + R"(","given":["花子"]}],
      "gender":"female","birthDate":"1950-02-03"}}]})";
  };
  pipeline::DeliveryRequest good;
  good.idempotencyKey = "k1";
  const std::string goodJson = bundle("連携");
  good.canonicalJson = goodJson;
  EXPECT_EQ((*sink)->deliver(good).outcome, pipeline::Outcome::Delivered);
  std::ifstream in(out / "k1.csv", std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(written.find(",131128,0000000007,\x98\x41\x8c\x67,\x89\xd4\x8e\x71,"), std::string::npos)
      << "保険者番号, 被保険者番号, 氏名 in CP932";
  EXPECT_NE(written.find("\x8f\xba\x98\x61\x32\x35\x94\x4e\x32\x8c\x8e\x33\x93\xfa"), std::string::npos)
      << "the birth date as 昭和25年2月3日";

  pipeline::DeliveryRequest bad;
  bad.idempotencyKey = "k2";
  const std::string badJson = bundle("𠮷田");
  bad.canonicalJson = badJson;
  const pipeline::DeliveryResult refused = (*sink)->deliver(bad);
  EXPECT_EQ(refused.outcome, pipeline::Outcome::Reject);
  EXPECT_NE(refused.detail.find("U+20BB7"), std::string::npos) << refused.detail;
  EXPECT_FALSE(std::filesystem::exists(out / "k2.csv"));
  std::filesystem::remove_all(out);
}

TEST(LayoutCsv, AMonthsBatchForOneOfficeGetsOneFileNameEach) {
  // The standard's names differ only in their time (to the second): 150 plans delivered at once
  // take 150 seconds, none dead-lettered for want of a name.
  const auto out = std::filesystem::temp_directory_path() / "renkei-layout-names-test";
  auto sink = freshCsvFolderSink(out, R"("mapping": "careplan-1kyo", "file_name_values": {"sender": "1310000001",
      "sender_type": "43", "receiver": "1310000005", "receiver_type": "11"})");
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  rapidjson::Document expected;
  const std::string text = test::readText(test::sourceDir() / "mappings/careplan-1kyo/golden/round-trip/expected.json");
  expected.Parse(text.c_str());
  ASSERT_FALSE(expected.HasParseError());
  const rapidjson::Value& first = expected.IsArray() ? expected[0] : expected;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  first.Accept(w);
  const std::string json = buffer.GetString();
  std::set<std::string> names;
  for (int i = 0; i < 150; ++i) {
    pipeline::DeliveryRequest r;
    r.idempotencyKey = "k" + std::to_string(i);
    r.canonicalJson = json;
    const pipeline::DeliveryResult result = (*sink)->deliver(r);
    ASSERT_EQ(result.outcome, pipeline::Outcome::Delivered) << i << ": " << result.detail;
    names.insert(result.detail);
  }
  EXPECT_EQ(names.size(), 150u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(out), std::filesystem::directory_iterator()), 150);
  std::filesystem::remove_all(out);
}

TEST(RetryPolicy, BacksOffExponentiallyWithJitterUpToTheCap) {
  pipeline::RetryPolicy p;
  EXPECT_EQ(p.delayMs(1, std::nullopt, 0.5), 1000);
  EXPECT_EQ(p.delayMs(2, std::nullopt, 0.5), 2000);
  EXPECT_EQ(p.delayMs(3, std::nullopt, 0.5), 4000);
  EXPECT_EQ(p.delayMs(30, std::nullopt, 0.5), 300000) << "capped";
  EXPECT_EQ(p.delayMs(1, std::nullopt, 0.0), 800);
  EXPECT_EQ(p.delayMs(1, std::nullopt, 0.999999), 1199);
  EXPECT_EQ(p.delayMs(1, 7000, 0.5), 7000) << "Retry-After";
  EXPECT_EQ(p.delayMs(1, 86400000, 0.5), 300000) << "Retry-After within the cap";
  EXPECT_FALSE(p.exhausted(1000)) << "0 attempts means forever";
  p.maxAttempts = 3;
  EXPECT_TRUE(p.exhausted(3));
}

TEST(HttpStatus, DeliveredRetryOrReject) {
  using pipeline::Outcome;
  EXPECT_EQ(pipeline::classifyHttpStatus(200), Outcome::Delivered);
  EXPECT_EQ(pipeline::classifyHttpStatus(201), Outcome::Delivered);
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_EQ(pipeline::classifyHttpStatus(s), Outcome::Retry) << s;
  for (int s : {400, 401, 403, 404, 409, 412, 422, 501}) {
    EXPECT_EQ(pipeline::classifyHttpStatus(s), Outcome::Reject) << s;
  }
}

/// A file_folder sink writing into `out`, emptied first.
Result<std::shared_ptr<pipeline::Sink>> freshFileFolderSink(const std::filesystem::path& out) {
  std::filesystem::remove_all(out);
  rapidjson::Document config;
  config.Parse((R"({"type": "file_folder", "path": ")" + out.string() + R"("})").c_str());
  pipeline::AdapterRegistry registry;
  registerFileFolderSink(registry);
  pipeline::AdapterContext ctx{"ward", &config, nullptr, nullptr, nullptr, nullptr, nullptr};
  return registry.sink("file_folder")->makeSink(ctx);
}

TEST(FileFolderSink, EachCareTeamRecipientGetsAFolderThatNeverLeavesThePath) {
  const auto out = std::filesystem::temp_directory_path() / "renkei-file-folder-recipients";
  auto sink = freshFileFolderSink(out);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  const std::string body = R"({"resourceType":"Bundle","type":"collection"})";
  pipeline::DeliveryRequest plain;
  plain.idempotencyKey = "k0";
  plain.canonicalJson = body;
  EXPECT_EQ((*sink)->deliver(plain).outcome, pipeline::Outcome::Delivered);
  EXPECT_TRUE(std::filesystem::exists(out / "k0.json"));
  pipeline::DeliveryRequest doctor = plain;
  doctor.idempotencyKey = "k1";
  doctor.recipient = R"({"role":"family-doctor","member":"PractitionerRole/sato","organization":"clinic-b"})";
  EXPECT_EQ((*sink)->deliver(doctor).outcome, pipeline::Outcome::Delivered);
  EXPECT_TRUE(std::filesystem::exists(out / "clinic-b_PractitionerRole-sato" / "k1.json"));
  pipeline::DeliveryRequest hostile = plain;
  hostile.idempotencyKey = "k2";
  hostile.recipient = R"({"member":"../../../etc/x","organization":".."})";
  EXPECT_EQ((*sink)->deliver(hostile).outcome, pipeline::Outcome::Delivered);
  EXPECT_TRUE(std::filesystem::exists(out / "_._..-..-..-etc-x" / "k2.json"));
  std::size_t folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(out)) folders += e.is_directory() ? 1 : 0;
  EXPECT_EQ(folders, 2u) << "nothing written outside the two recipient folders";
  std::filesystem::remove_all(out);
}

TEST(FileFolderSink, ABatchIsWrittenTogetherAndARecipientFolderThatCannotBeMadeFailsAlone) {
  const auto out = std::filesystem::temp_directory_path() / "renkei-file-folder-batch";
  auto sink = freshFileFolderSink(out);
  ASSERT_TRUE(sink.ok()) << sink.status().message();
  // A file where the recipient's folder would go: that folder cannot be made.
  std::ofstream(out / "clinic-x_PractitionerRole-blocked") << "in the way";
  const std::string body = R"({"resourceType":"Bundle","type":"collection"})";
  std::vector<pipeline::DeliveryRequest> batch(3);
  for (int i = 0; i < 3; ++i) {
    batch[i].idempotencyKey = "b" + std::to_string(i);
    batch[i].canonicalJson = body;
  }
  batch[1].recipient = R"({"member":"PractitionerRole/blocked","organization":"clinic-x"})";
  const auto results = (*sink)->deliverBatch(batch);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].outcome, pipeline::Outcome::Delivered);
  EXPECT_EQ(results[1].outcome, pipeline::Outcome::Retry);
  EXPECT_EQ(results[2].outcome, pipeline::Outcome::Delivered);
  EXPECT_TRUE(std::filesystem::exists(out / "b0.json"));
  EXPECT_TRUE(std::filesystem::exists(out / "b2.json"));
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace renkei::adapters

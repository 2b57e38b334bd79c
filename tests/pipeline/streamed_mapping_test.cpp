// Mapping a file in slices must give what mapping it whole gives: the same records (Bundles,
// lines, bytes), the same row issues with the file's line numbers, groups kept together across
// slice ends, and all-or-nothing files refused whatever slice the bad row falls in.
#include <gtest/gtest.h>

#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/streamed_mapping.h"

namespace renkei::test {
namespace {

const char* kGrouped = R"json({"id": "grouped", "version": "1",
  "layout": {"format": "csv", "encoding": "cp932", "columns": ["person", "born", "note"]},
  "records": {"group_by": ["person"]},
  "fields": {
    "person": {"column": "person", "transforms": ["required"]},
    "born": {"column": "born", "transforms": ["yyyymmdd"]},
    "note": {"column": "note", "per_row": true}},
  "resources": [
    {"key": "patient", "id_from": ["person"],
     "template": {"resourceType": "Patient", "name": [{"text": "{person}"}], "birthDate": "{born}"}},
    {"key": "note", "per_row": true, "when": ["note"],
     "template": {"resourceType": "Observation", "status": "final", "code": {"text": "{note}"},
                  "subject": {"reference": "{ref:patient}"}}}]})json";

std::shared_ptr<const mapping::Mapping> load(std::string json) {
  std::vector<mapping::MappingError> errors;
  auto m = mapping::MappingSet::fromJson(json, "", errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors[0].pointer + ": " + errors[0].message);
  return m;
}

/// CP932 bytes of a file: a header, groups of 1–4 rows, quoted fields with line breaks and "",
/// ～ (81 60) and ① (87 40), a blank line and a bad date every 37th person.
std::string sampleFile(int people) {
  std::string out = "person,born,note\r\n";
  for (int p = 0; p < people; ++p) {
    const std::string person = "P" + std::to_string(p);
    const std::string born = p % 37 == 36 ? "20241341" : "19400101";
    for (int row = 0; row <= p % 4; ++row) {
      out += person + "," + born + ",";
      if (row == 1) {
        out += "\"two\r\nlines, \"\"quoted\"\"\"";
      } else if (row == 2) {
        out += "\x81\x60\x87\x40";
      } else {
        out += "n" + std::to_string(row);
      }
      out += "\r\n";
    }
    if (p % 11 == 5) out += "\r\n";
  }
  return out;
}

struct Streamed {
  Status status;
  std::vector<mapping::StreamedRecord> records;
  std::vector<mapping::RowIssue> issues;
  bool rejected = false;
};

Streamed stream(const mapping::Mapping& m, const std::string& bytes, std::size_t slice, std::size_t piece) {
  mapping::StreamedMapping::Options options;
  options.sliceBytes = slice;
  mapping::StreamedMapping s(m, "file.csv", options);
  Streamed out;
  for (std::size_t at = 0; at < bytes.size() && out.status.ok(); at += piece) {
    out.status = s.feed(std::string_view(bytes).substr(at, piece), out.records);
  }
  if (out.status.ok()) out.status = s.finish(out.records);
  out.issues = s.issues();
  out.rejected = s.rejected();
  return out;
}

TEST(StreamedMappingTest, SlicesGiveWhatTheWholeFileGives) {
  auto m = load(kGrouped);
  ASSERT_NE(m, nullptr);
  const std::string file = sampleFile(90);
  auto whole = mapping::mapFile(*m, file, "file.csv");
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  const std::vector<std::string> wholeBytes = mapping::recordSlices(file, whole.value());
  ASSERT_GT(whole->records.size(), 80u);
  ASSERT_FALSE(whole->issues.empty());
  for (std::size_t slice : {std::size_t{1}, std::size_t{50}, std::size_t{333}, std::size_t{1} << 20}) {
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
      Streamed s = stream(*m, file, slice, piece);
      ASSERT_TRUE(s.status.ok()) << s.status.message();
      ASSERT_EQ(s.records.size(), whole->records.size()) << "slice " << slice << " piece " << piece;
      for (std::size_t i = 0; i < s.records.size(); ++i) {
        EXPECT_EQ(s.records[i].record.line, whole->records[i].line);
        EXPECT_EQ(s.records[i].record.lines, whole->records[i].lines);
        EXPECT_EQ(s.records[i].record.bundleJson, whole->records[i].bundleJson);
        EXPECT_EQ(s.records[i].bytes, wholeBytes[i]);
      }
      ASSERT_EQ(s.issues.size(), whole->issues.size());
      for (std::size_t i = 0; i < s.issues.size(); ++i) {
        EXPECT_EQ(s.issues[i].line, whole->issues[i].line);
        EXPECT_EQ(s.issues[i].message, whole->issues[i].message);
      }
    }
  }
}

TEST(StreamedMappingTest, AnAllOrNothingFileIsRefusedWhereverTheBadRowIs) {
  std::string json = kGrouped;
  json.replace(json.find("\"records\": {"), 12, "\"records\": {\"all_or_nothing\": true, ");
  auto m = load(json);
  ASSERT_NE(m, nullptr);
  Streamed bad = stream(*m, sampleFile(40), 64, 100);
  ASSERT_TRUE(bad.status.ok()) << bad.status.message();
  EXPECT_TRUE(bad.rejected);
  ASSERT_FALSE(bad.issues.empty());
  Streamed good = stream(*m, sampleFile(36), 64, 100);
  EXPECT_FALSE(good.rejected);
  EXPECT_EQ(good.records.size(), 36u) << "a bad row in the group left open at a slice's end refuses nothing early";
}

TEST(StreamedMappingTest, ARecordWhoseRowsAreApartIsNeverGivenInParts) {
  auto m = load(kGrouped);
  ASSERT_NE(m, nullptr);
  // Sorted by something else than the person: every person's rows are spread over the file.
  std::string file = "person,born,note\r\n";
  for (int round = 0; round < 20; ++round) {
    for (int p = 0; p < 10; ++p) file += "P" + std::to_string(p) + ",19400101,n" + std::to_string(round) + "\r\n";
  }
  auto whole = mapping::mapFile(*m, file, "file.csv");
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  ASSERT_EQ(whole->records.size(), 10u);
  Streamed atOnce = stream(*m, file, file.size(), 4096);
  ASSERT_TRUE(atOnce.status.ok()) << atOnce.status.message();
  EXPECT_EQ(atOnce.records.size(), 10u) << "a file within one slice is merged as a whole";
  for (std::size_t slice : {std::size_t{1}, std::size_t{64}, std::size_t{700}}) {
    Streamed parts = stream(*m, file, slice, 100);
    ASSERT_FALSE(parts.status.ok()) << "slice " << slice << ": " << parts.records.size() << " records";
    EXPECT_NE(parts.status.message().find("not together"), std::string::npos) << parts.status.message();
    EXPECT_EQ(parts.status.message().find("19400101"), std::string::npos) << "no values in the reason";
  }
}

TEST(StreamedMappingTest, SyntaxErrorsNameTheFilesLine) {
  auto m = load(kGrouped);
  ASSERT_NE(m, nullptr);
  std::string file = sampleFile(30);
  file += "P99,19400101,\"never closed\r\n";
  Streamed s = stream(*m, file, 64, 4096);
  ASSERT_FALSE(s.status.ok());
  const auto lines = std::count(file.begin(), file.end(), '\n');
  EXPECT_NE(s.status.message().find("line " + std::to_string(lines)), std::string::npos) << s.status.message();
}

TEST(StreamedMappingTest, EndOfWholeRowsReadsQuotes) {
  EXPECT_EQ(mapping::endOfWholeRows("a,b\r\nc,\"d\ne", '"'), 5u);
  EXPECT_EQ(mapping::endOfWholeRows("a,\"b\nc\"\nd", '"'), 8u);
  EXPECT_EQ(mapping::endOfWholeRows("a,b", '"'), 0u);
}

}  // namespace
}  // namespace renkei::test

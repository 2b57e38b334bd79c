// The mapping stage's text pieces: CSV reading (UTF-8, CP932, streaming, errors, limits) and
// writing, 和暦 conversion, every value transform, and ConceptMap lookups.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "renkei/mapping/concept_map_lookup.h"
#include "renkei/mapping/csv_reader.h"
#include "renkei/mapping/csv_writer.h"
#include "renkei/mapping/municipality_resolver.h"
#include "renkei/mapping/transforms.h"
#include "renkei/mapping/wareki.h"

namespace renkei::mapping {
namespace {

using Fields = std::vector<std::string>;

CsvDialect cp932() { return {TextEncoding::Cp932, ',', '"'}; }

std::vector<Fields> fieldsOf(const std::vector<CsvRow>& rows) {
  std::vector<Fields> out;
  for (const CsvRow& r : rows) out.push_back(r.fields);
  return out;
}

// ---- CSV reader ----

TEST(CsvEncoding, ParsesNamesAndAliases) {
  EXPECT_EQ(parseEncoding("utf-8").value(), TextEncoding::Utf8);
  EXPECT_EQ(parseEncoding("UTF-8-BOM").value(), TextEncoding::Utf8Bom);
  for (const char* alias : {"cp932", "MS932", "Windows-31J", "shift_jis"}) {
    EXPECT_EQ(parseEncoding(alias).value(), TextEncoding::Cp932) << alias;
  }
  EXPECT_FALSE(parseEncoding("euc-jp").ok());
}

TEST(CsvReaderCp932, DecodesMicrosoftCharactersAndHalfwidthKana) {
  // ～ is 81 60 in CP932 (U+FF5E, not the JIS wave dash U+301C); ① is 87 40 (NEC row 13).
  const std::string bytes = "\x88\xC0\x93\xA1,\x81\x60,\x87\x40,\xB1\xDD\xC4\xDE\xB3\r\n";
  auto rows = readCsv(bytes, cp932());
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).fields, (Fields{"安藤", "\uFF5E", "\u2460", "ｱﾝﾄﾞｳ"}));
  EXPECT_EQ(rows->at(0).line, 1);
}

TEST(CsvReaderCp932, DoubleByteCharacterSplitAcrossPieces) {
  CsvReader reader(cp932());
  std::vector<CsvRow> rows;
  const std::string bytes = "a,\x89\xD4\x8E\x71\n";  // a,花子
  for (char c : bytes) ASSERT_TRUE(reader.feed(std::string_view(&c, 1), rows).ok());
  ASSERT_TRUE(reader.finish(rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"a", "花子"}));
}

TEST(CsvReaderCp932, InvalidBytesNameLineAndOffsetNotContent) {
  auto rows = readCsv("ok,row\nsecret,\x80\xFF\n", cp932());
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::InvalidInput);
  EXPECT_NE(rows.status().message().find("line 2"), std::string::npos) << rows.status().message();
  EXPECT_NE(rows.status().message().find("byte offset 14"), std::string::npos) << rows.status().message();
  EXPECT_EQ(rows.status().message().find("secret"), std::string::npos);
}

TEST(CsvReaderCp932, TruncatedDoubleByteAtEndIsAnError) {
  auto rows = readCsv("a,\x89", cp932());
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("line 1"), std::string::npos) << rows.status().message();
}

TEST(CsvReaderUtf8, StripsBomAndRejectsInvalidUtf8) {
  for (TextEncoding e : {TextEncoding::Utf8, TextEncoding::Utf8Bom}) {
    auto rows = readCsv("\xEF\xBB\xBFid,名前\n1,花子\n", {e, ',', '"'});
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ(fieldsOf(rows.value()), (std::vector<Fields>{{"id", "名前"}, {"1", "花子"}}));
  }
  auto bad = readCsv("a\n\xED\xA0\x80\n", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
}

TEST(CsvReaderUtf8, BomAndSequencesSplitAcrossPieces) {
  CsvReader reader({});
  std::vector<CsvRow> rows;
  const std::string bytes = "\xEF\xBB\xBF名前,x\n";
  for (char c : bytes) ASSERT_TRUE(reader.feed(std::string_view(&c, 1), rows).ok());
  ASSERT_TRUE(reader.finish(rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].fields, (Fields{"名前", "x"}));
}

TEST(CsvReaderSyntax, ACtrlZEndingTheFileIsNotData) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    const std::string file = "a,b\r\n1,2\r\n\x1a";
    CsvReader reader(CsvDialect{}, CsvLimits{});
    std::vector<CsvRow> rows;
    for (std::size_t at = 0; at < file.size(); at += piece) ASSERT_TRUE(reader.feed(file.substr(at, piece), rows).ok());
    ASSERT_TRUE(reader.finish(rows).ok());
    ASSERT_EQ(rows.size(), 2u) << "piece " << piece;
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "2"}));
  }
  auto inside = readCsv("a,b\r\nx\x1ay,2\r\n", CsvDialect{});
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->at(1).fields[0], "x\x1ay") << "a Ctrl-Z inside the data stays";
}

TEST(CsvReaderSyntax, QuotedFieldsWithNewlinesAndEscapes) {
  auto rows = readCsv("a,\"line1\nline2\r\nline3\",\"say \"\"hi\"\"\"\nnext,\"\",x\n", {});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->at(0).fields, (Fields{"a", "line1\nline2\r\nline3", "say \"hi\""}));
  EXPECT_EQ(rows->at(0).line, 1);
  EXPECT_EQ(rows->at(1).fields, (Fields{"next", "", "x"}));
  EXPECT_EQ(rows->at(1).line, 4) << "the row starts on the 4th physical line";
}

TEST(CsvReaderSyntax, CrlfAndLfAndFinalRowWithoutNewline) {
  auto rows = readCsv("a,b\r\nc,d\ne,f", {});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(fieldsOf(rows.value()), (std::vector<Fields>{{"a", "b"}, {"c", "d"}, {"e", "f"}}));
  EXPECT_EQ(rows->at(2).line, 3);
  auto trailing = readCsv("a,b\r\n\r\n", {});
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ(trailing->size(), 1u) << "an empty trailing line is ignored";
  auto emptyFields = readCsv("a,,\n", {});
  ASSERT_TRUE(emptyFields.ok());
  EXPECT_EQ(emptyFields->at(0).fields, (Fields{"a", "", ""}));
}

TEST(CsvReaderSyntax, UnterminatedQuoteNamesTheLineWhereItOpened) {
  auto rows = readCsv("a,b\nc,\"open\nmore\n", {});
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::InvalidInput);
  EXPECT_NE(rows.status().message().find("line 2"), std::string::npos) << rows.status().message();
}

TEST(CsvReaderSyntax, QuoteInsideUnquotedFieldAndTextAfterClosingQuote) {
  auto a = readCsv("ok\nab\"c\n", {});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("line 2"), std::string::npos) << a.status().message();
  auto b = readCsv("\"ab\"c\n", {});
  ASSERT_FALSE(b.ok());
  auto c = readCsv("a\rb\n", {});
  ASSERT_FALSE(c.ok()) << "a bare CR outside quotes";
}

TEST(CsvReaderSyntax, OtherDelimiterAndQuote) {
  auto rows = readCsv("a\t'b\tc'\t'it''s'\n", {TextEncoding::Utf8, '\t', '\''});
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(rows->at(0).fields, (Fields{"a", "b\tc", "it's"}));
  EXPECT_FALSE(readCsv("a", {TextEncoding::Utf8, ',', ','}).ok());
}

TEST(CsvReaderLimits, FieldRowAndFieldCountLimitsAreTooLarge) {
  CsvLimits limits;
  limits.maxFieldBytes = 4;
  auto field = readCsv("abcd\nabcde\n", {}, limits);
  ASSERT_FALSE(field.ok());
  EXPECT_EQ(field.status().code(), StatusCode::TooLarge);
  EXPECT_NE(field.status().message().find("line 2"), std::string::npos);

  limits = {};
  limits.maxFields = 3;
  EXPECT_TRUE(readCsv("a,b,c\n", {}, limits).ok());
  auto count = readCsv("a,b,c,d\n", {}, limits);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().code(), StatusCode::TooLarge);

  limits = {};
  limits.maxRowBytes = 10;
  auto row = readCsv("\"a\nb\nc\nd\ne\nf\"\n", {}, limits);
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), StatusCode::TooLarge);
}

TEST(CsvReaderState, StaysFailedAfterAnError) {
  CsvReader reader({});
  std::vector<CsvRow> rows;
  EXPECT_FALSE(reader.feed("a\"b\n", rows).ok());
  EXPECT_FALSE(reader.feed("fine\n", rows).ok());
  EXPECT_FALSE(reader.finish(rows).ok());
  EXPECT_TRUE(rows.empty());
}

// ---- CSV writer ----

TEST(CsvWriter, QuotesWhenNeededAndRoundTrips) {
  const Fields fields = {"plain", "a,b", "say \"hi\"", "two\nlines", "", "安藤 花子"};
  const std::string row = csvRow(fields, {});
  EXPECT_EQ(row, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,安藤 花子\r\n");
  auto back = readCsv(row + csvRow({""}, {}), {});
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ(back->at(0).fields, fields);
  EXPECT_EQ(back->at(1).fields, Fields{""});
}

// ---- 和暦 ----

TEST(Wareki, EraBoundaries) {
  EXPECT_EQ(warekiToIso("H31.04.30").value(), "2019-04-30");
  auto after = warekiToIso("H31.05.01");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("平成 ended on 2019-04-30"), std::string::npos)
      << after.status().message();
  EXPECT_EQ(warekiToIso("R1.05.01").value(), "2019-05-01");
  EXPECT_EQ(warekiToIso("令和元年5月1日").value(), "2019-05-01");
  auto before = warekiToIso("R1.04.30");
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.status().message().find("令和 began on 2019-05-01"), std::string::npos);
  EXPECT_EQ(warekiToIso("S64.01.07").value(), "1989-01-07");
  EXPECT_EQ(warekiToIso("昭和64年1月7日").value(), "1989-01-07");
  EXPECT_FALSE(warekiToIso("S64.01.08").ok());
  EXPECT_EQ(warekiToIso("H1.01.08").value(), "1989-01-08");
  EXPECT_EQ(warekiToIso("T15.12.24").value(), "1926-12-24");
  EXPECT_FALSE(warekiToIso("T15.12.25").ok());
  EXPECT_EQ(warekiToIso("M45.07.29").value(), "1912-07-29");
  EXPECT_FALSE(warekiToIso("M45.07.30").ok());
  auto lunisolar = warekiToIso("M5.12.01");
  ASSERT_FALSE(lunisolar.ok());
  EXPECT_NE(lunisolar.status().message().find("lunisolar"), std::string::npos);
  EXPECT_EQ(warekiToIso("M6.01.01").value(), "1873-01-01");
}

TEST(Wareki, ShapesSeparatorsLettersAndFullWidth) {
  EXPECT_EQ(warekiToIso("令和6年11月22日").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("R06.11.22").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("R6/11/22").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("r6-11-22").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("平成31年4月30日").value(), "2019-04-30");
  EXPECT_EQ(warekiToIso("令和６年１１月２２日").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("Ｒ０６．１１．２２").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("令和 6年 11月 22日").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("2024-11-22").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("2024/11/22").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("2024年11月22日").value(), "2024-11-22");
  EXPECT_EQ(warekiToIso("R06.11").value(), "2024-11");
  EXPECT_EQ(warekiToIso("令和6年11月").value(), "2024-11");
  EXPECT_FALSE(warekiToIso("H31.05").ok()) << "平成 had ended before May 2019";
}

TEST(Wareki, ImpossibleDatesAndShapes) {
  EXPECT_FALSE(warekiToIso("令和6年2月30日").ok());
  EXPECT_TRUE(warekiToIso("R6.02.29").ok()) << "2024 is a leap year";
  EXPECT_FALSE(warekiToIso("R5.02.29").ok());
  auto zero = warekiToIso("R0.05.01");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("year 0"), std::string::npos);
  EXPECT_FALSE(warekiToIso("R6.13.01").ok());
  EXPECT_FALSE(warekiToIso("R6.11-22").ok()) << "mixed separators";
  EXPECT_FALSE(warekiToIso("X6.11.22").ok());
  EXPECT_FALSE(warekiToIso("20241122").ok());
  EXPECT_FALSE(warekiToIso("").ok());
}

TEST(Wareki, IsoToWarekiBothFormsAndBoundaries) {
  EXPECT_EQ(isoToWareki("2024-11-22", true).value(), "R06.11.22");
  EXPECT_EQ(isoToWareki("2024-11-22", false).value(), "令和6年11月22日");
  EXPECT_EQ(isoToWareki("2019-05-01", false).value(), "令和元年5月1日");
  EXPECT_EQ(isoToWareki("2019-05-01", true).value(), "R01.05.01");
  EXPECT_EQ(isoToWareki("2019-04-30", true).value(), "H31.04.30");
  EXPECT_EQ(isoToWareki("1989-01-07", false).value(), "昭和64年1月7日");
  EXPECT_EQ(isoToWareki("1989-01-08", false).value(), "平成元年1月8日");
  EXPECT_EQ(isoToWareki("1926-12-25", true).value(), "S01.12.25");
  EXPECT_EQ(isoToWareki("1912-07-30", true).value(), "T01.07.30");
  EXPECT_EQ(isoToWareki("1912-07-29", true).value(), "M45.07.29");
  EXPECT_EQ(isoToWareki("2024-11", true).value(), "R06.11");
  EXPECT_EQ(isoToWareki("1989-01", false).value(), "昭和64年1月");
  EXPECT_FALSE(isoToWareki("1872-12-31", true).ok());
  EXPECT_FALSE(isoToWareki("2023-02-29", true).ok());
  EXPECT_FALSE(isoToWareki("2024/11/22", true).ok());
  for (const char* iso : {"2019-04-30", "2019-05-01", "1989-01-07", "1989-01-08", "1926-12-24",
                          "1926-12-25", "1912-07-29", "1912-07-30", "1873-01-01"}) {
    for (bool letters : {true, false}) {
      auto w = isoToWareki(iso, letters);
      ASSERT_TRUE(w.ok()) << iso;
      EXPECT_EQ(warekiToIso(w.value()).value(), iso) << w.value();
    }
  }
}

// ---- transforms ----

Result<std::string> apply(std::string_view name, std::string_view value, std::string_view arg = "",
                          const ConceptMapLookups* lookups = nullptr) {
  return applyTransform(name, arg, value, TransformContext{lookups, tokyoMunicipalityResolver()});
}

TEST(Transforms, EmptyInputGivesEmptyOutputExceptDefaultAndRequired) {
  for (const std::string& name : knownTransforms()) {
    if (name == "default" || name == "required") continue;
    auto r = apply(name, "", name == "max_length" ? "3" : "");
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
    EXPECT_EQ(r.value(), "") << name;
  }
  EXPECT_EQ(apply("default", "", "9").value(), "9");
  EXPECT_EQ(apply("default", "1", "9").value(), "1");
  auto missing = apply("required", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "required value missing");
  EXPECT_EQ(apply("required", "x").value(), "x");
}

TEST(Transforms, KnownNames) {
  ASSERT_NE(findTransform("trim"), nullptr);
  EXPECT_EQ(findTransform("trim")->name, "trim");
  EXPECT_NE(findTransform("max_length"), nullptr);
  EXPECT_EQ(findTransform("rot13"), nullptr);
  EXPECT_FALSE(apply("rot13", "x").ok());
  EXPECT_NE(findTransform("iso_to_hhmm"), nullptr);
  EXPECT_EQ(knownTransforms().size(), 35u);
}

TEST(Transforms, RefuseTakesNoValue) {
  EXPECT_EQ(apply("refuse", "", "an injection order").value(), "");
  auto refused = apply("refuse", "RX1", "an injection order");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "an injection order");
}

TEST(Transforms, AParameterDefaultFillsOnlyAnEmptyValueFromTheSourcesParameters) {
  const std::map<std::string, std::string> parameters = {{"institution", "1312345678"}};
  TransformContext context{nullptr, tokyoMunicipalityResolver(), &parameters};
  EXPECT_EQ(applyTransform("parameter_default", "institution", "", context).value(), "1312345678");
  EXPECT_EQ(applyTransform("parameter_default", "institution", "1399999999", context).value(), "1399999999");
  EXPECT_EQ(applyTransform("parameter_default", "other", "", context).value(), "") << "a parameter not given";
  EXPECT_EQ(apply("parameter_default", "", "institution").value(), "") << "a source without parameters";
}

TEST(Transforms, Hl7DatesKeepTheirPrecision) {
  EXPECT_EQ(apply("hl7_date", "2019").value(), "2019");
  EXPECT_EQ(apply("hl7_date", "199601").value(), "1996-01");
  EXPECT_EQ(apply("hl7_date", "20070710").value(), "2007-07-10");
  EXPECT_EQ(apply("hl7_date", "2011070100").value(), "2011-07-01") << "the time is dropped";
  EXPECT_EQ(apply("hl7_date", "20110701103045.123+0900").value(), "2011-07-01");
  EXPECT_FALSE(apply("hl7_date", "20241341").ok());
  EXPECT_FALSE(apply("hl7_date", "20240230").ok());
  EXPECT_FALSE(apply("hl7_date", "24-11-22").ok());
  EXPECT_FALSE(apply("hl7_date", "R06.11.22").ok());
  EXPECT_FALSE(apply("hl7_date", "20241").ok());
  EXPECT_EQ(apply("hl7_date", "20200401-0500").value(), "2020-04-01") << "a time zone";
  EXPECT_EQ(apply("hl7_date", "20200401123000.1234").value(), "2020-04-01");
  for (const char* bad : {"2020-04-01", "2020-04", "20200401+09", "20200401.5", "202004011", "20200401123000.12345"}) {
    EXPECT_FALSE(apply("hl7_date", bad).ok()) << bad << " is not cut to a shorter date";
  }
}

TEST(Transforms, Hl7DateTimesKeepTheirTimeAndZone) {
  EXPECT_EQ(apply("hl7_datetime", "20241201", "+09:00").value(), "2024-12-01") << "no time: a date";
  EXPECT_EQ(apply("hl7_datetime", "202412", "+09:00").value(), "2024-12");
  EXPECT_EQ(apply("hl7_datetime", "202412011030", "+09:00").value(), "2024-12-01T10:30:00+09:00");
  EXPECT_EQ(apply("hl7_datetime", "202412011030-0500", "+09:00").value(), "2024-12-01T10:30:00-05:00")
      << "the message's zone wins";
  EXPECT_EQ(apply("hl7_datetime", "20241201103045.12+0900").value(), "2024-12-01T10:30:45.12+09:00");
  EXPECT_EQ(apply("hl7_datetime", "2024120110", "+09:00").value(), "2024-12-01T10:00:00+09:00");
  EXPECT_FALSE(apply("hl7_datetime", "202412011030").ok()) << "a time without any zone";
  EXPECT_FALSE(apply("hl7_datetime", "202412012530", "+09:00").ok());
  EXPECT_FALSE(apply("hl7_datetime", "2024-12-01T10:30", "+09:00").ok());
}

TEST(Transforms, FirstCharacters) {
  EXPECT_EQ(apply("first", "111111", "2").value(), "11");
  EXPECT_EQ(apply("first", "連携太郎", "2").value(), "連携") << "characters, not bytes";
  EXPECT_EQ(apply("first", "ab", "9").value(), "ab");
  EXPECT_FALSE(apply("first", "ab", "x").ok());
}

TEST(Transforms, NameParts) {
  EXPECT_EQ(apply("family_name", "山田\u3000花子").value(), "山田");
  EXPECT_EQ(apply("given_name", "山田\u3000花子").value(), "花子");
  EXPECT_EQ(apply("given_name", " ﾔﾏﾀﾞ  ﾊﾅ ｺ ").value(), "ﾊﾅ ｺ") << "the rest after the first space";
  EXPECT_EQ(apply("family_name", "山田花子").value(), "山田花子") << "no space: all family name";
  EXPECT_EQ(apply("given_name", "山田花子").value(), "");
}

TEST(Transforms, Spaces) {
  EXPECT_EQ(apply("trim", " \u3000安藤 花子\u3000\t").value(), "安藤 花子");
  EXPECT_EQ(apply("no_spaces", "安藤\u3000花子 様").value(), "安藤花子様");
  EXPECT_EQ(apply("single_space", "\u3000安藤\u3000 \u3000花子 ").value(), "安藤 花子");
}

TEST(Transforms, NormalizationKanaAndCase) {
  EXPECT_EQ(apply("nfkc", "ＡＢＣ１２３ｱﾝﾄﾞｳ").value(), "ABC123アンドウ");
  EXPECT_EQ(apply("fullwidth_kana", "ｱﾝﾄﾞｳ ﾊﾟｰｸ･ＡＢ１｡").value(), "アンドウ パーク・ＡＢ１｡")
      << "only half-width katakana changes";
  EXPECT_EQ(apply("katakana", "あんどう ﾊﾅｺ ゔ ラーメン").value(), "アンドウ ハナコ ヴ ラーメン");
  EXPECT_EQ(apply("hiragana", "アンドウ ﾊﾅｺ ラーメン").value(), "あんどう はなこ らーめん");
  // Text with nothing to change skips ICU and comes back as it is; the ends of each range change.
  EXPECT_EQ(apply("katakana", "アンドウ 山田 ABC").value(), "アンドウ 山田 ABC");
  EXPECT_EQ(apply("hiragana", "あんどう 山田").value(), "あんどう 山田");
  EXPECT_EQ(apply("fullwidth_kana", "山田 ＡＢ").value(), "山田 ＡＢ");
  EXPECT_EQ(apply("fullwidth_kana", "･ﾟ").value(), "・\u309A") << "U+FF65 and U+FF9F";
  EXPECT_EQ(apply("katakana", "ぁゞ").value(), "ァヾ") << "U+3041 and U+309E";
  EXPECT_EQ(apply("hiragana", "ァヾ").value(), "ぁゞ") << "U+30A1 and U+30FE";
  EXPECT_EQ(apply("upper", "abc ｘｙｚ h123").value(), "ABC ＸＹＺ H123");
}

TEST(Transforms, DatesAndTimes) {
  EXPECT_EQ(apply("wareki_date", "令和元年5月1日").value(), "2019-05-01");
  EXPECT_FALSE(apply("wareki_date", "H31.05.01").ok());
  EXPECT_EQ(apply("yyyymmdd", "20241122").value(), "2024-11-22");
  EXPECT_EQ(apply("yyyymmdd", "00000000").value(), "");
  EXPECT_FALSE(apply("yyyymmdd", "20240230").ok());
  EXPECT_FALSE(apply("yyyymmdd", "2024112").ok());
  EXPECT_EQ(apply("yyyymm", "202411").value(), "2024-11");
  EXPECT_FALSE(apply("yyyymm", "202413").ok());
  EXPECT_EQ(apply("hhmm", "0930").value(), "09:30:00");
  EXPECT_EQ(apply("hhmm", "9999").value(), "");
  EXPECT_FALSE(apply("hhmm", "2460").ok());
  EXPECT_EQ(apply("iso_to_yyyymmdd", "2024-11-22").value(), "20241122");
  EXPECT_EQ(apply("iso_to_yyyymmdd", "2024-11-22T10:00:00+09:00").value(), "20241122");
  EXPECT_FALSE(apply("iso_to_yyyymmdd", "2024-02-30").ok());
  EXPECT_EQ(apply("iso_to_yyyymm", "2024-11").value(), "202411");
  EXPECT_EQ(apply("iso_to_yyyymm", "2024-11-22").value(), "202411");
  EXPECT_FALSE(apply("iso_to_yyyymm", "2024").ok());
  EXPECT_EQ(apply("iso_to_wareki", "2024-11-22", "letters").value(), "R06.11.22");
  EXPECT_EQ(apply("iso_to_wareki", "2024-11-22", "kanji").value(), "令和6年11月22日");
  EXPECT_EQ(apply("iso_to_wareki", "2024-11-22").value(), "令和6年11月22日");
  EXPECT_FALSE(apply("iso_to_wareki", "2024-11-22", "roman").ok());
}

TEST(Transforms, PhonePostalDigits) {
  EXPECT_EQ(apply("phone", "０３－１２３４－５６７８").value(), "03-1234-5678");
  EXPECT_EQ(apply("phone", "03(1234)5678").value(), "0312345678");
  EXPECT_EQ(apply("phone", "090ー1234ー5678").value(), "090-1234-5678");
  EXPECT_EQ(apply("phone", "03-1234-5678 内線12").value(), "03-1234-5678") << "the extension is not the number";
  EXPECT_EQ(apply("phone", "03-1234-5678 ext. 12").value(), "03-1234-5678");
  EXPECT_EQ(apply("phone", "+81-3-1234-5678").value(), "03-1234-5678");
  EXPECT_EQ(apply("phone", "+81 90 1234 5678").value(), "09012345678") << "spaces are not kept, as in 03(1234)5678";
  EXPECT_FALSE(apply("phone", "03-1234-5678-1234").ok()) << "more digits than a number has";
  auto shortPhone = apply("phone", "1234-5678");
  ASSERT_FALSE(shortPhone.ok());
  EXPECT_NE(shortPhone.status().message().find("10 digits"), std::string::npos);
  EXPECT_EQ(apply("postal_code", "〒160-0023").value(), "160-0023");
  EXPECT_EQ(apply("postal_code", "１６０００２３").value(), "160-0023");
  EXPECT_FALSE(apply("postal_code", "160-002").ok());
  EXPECT_FALSE(apply("postal_code", "16-00023").ok());
  EXPECT_EQ(apply("postal_digits", "〒１６０－００２３").value(), "1600023");
  EXPECT_EQ(apply("digits", "第１２号-3").value(), "123");
  EXPECT_EQ(apply("digits", "1312345678", "10").value(), "1312345678");
  EXPECT_EQ(apply("digits", "JP-13-1234-5678", "10").value(), "1312345678");
  EXPECT_EQ(apply("digits", "HIS2", "10").value(), "") << "a name with a digit is not a code";
  EXPECT_EQ(apply("digits", "13123456789", "10").value(), "");
  EXPECT_FALSE(apply("digits", "1312345678", "ten").ok());
}

TEST(Transforms, Municipalities) {
  EXPECT_EQ(apply("municipality_code", "東京都新宿区西新宿2-8-1").value(), "131041");
  EXPECT_EQ(apply("municipality_code", "世田谷区").value(), "131121");
  EXPECT_EQ(apply("municipality_code", "131041").value(), "131041");
  EXPECT_FALSE(apply("municipality_code", "大阪市北区").ok());
  EXPECT_EQ(apply("municipality_name", "131121").value(), "世田谷区");
  EXPECT_EQ(apply("municipality_name", "八王子市元本郷町3-24-1").value(), "八王子市");
  EXPECT_FALSE(apply("municipality_name", "999999").ok());
  EXPECT_FALSE(applyTransform("municipality_code", "", "新宿区", TransformContext{}).ok())
      << "no resolver given";
}

TEST(Transforms, MaxLengthCountsCodePoints) {
  EXPECT_EQ(apply("max_length", "安藤花子", "4").value(), "安藤花子");
  auto longer = apply("max_length", "安藤花子様", "4");
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.status().message().find("4 characters"), std::string::npos);
  EXPECT_FALSE(apply("max_length", "x", "four").ok());
}

TEST(Transforms, InvalidUtf8IsAnError) { EXPECT_FALSE(apply("trim", "\xFF").ok()); }

// ---- ConceptMaps ----

constexpr const char* kGender = R"({
  "resourceType": "ConceptMap", "id": "gender-map", "name": "gender", "status": "active",
  "group": [{
    "source": "urn:renkei:sheet:gender", "target": "http://hl7.org/fhir/administrative-gender",
    "element": [
      {"code": "男", "target": [{"code": "male", "equivalence": "equal"}]},
      {"code": "女", "target": [{"code": "female", "equivalence": "equivalent"}]},
      {"code": "1", "target": [{"code": "male", "equivalence": "equal"}]},
      {"code": "9", "target": [{"code": "unknown", "equivalence": "disjoint"}]}
    ]
  }]
})";

TEST(ConceptMaps, ForwardReverseAndSystems) {
  ConceptMapLookups maps;
  ASSERT_TRUE(maps.addFromJson(kGender, "gender.json").ok());
  const ConceptMapLookup* byName = maps.find("gender");
  ASSERT_NE(byName, nullptr);
  EXPECT_EQ(maps.find("gender-map"), byName) << "also found by id";
  EXPECT_EQ(byName->forward("男").value(), "male");
  EXPECT_EQ(byName->forward("1").value(), "male");
  EXPECT_FALSE(byName->forward("9").has_value()) << "disjoint is not a mapping";
  EXPECT_EQ(byName->reverse("male").value(), "男") << "the first source wins";
  EXPECT_EQ(byName->reverse("female").value(), "女");
  EXPECT_EQ(byName->sourceSystem(), "urn:renkei:sheet:gender");
  EXPECT_EQ(byName->targetSystem(), "http://hl7.org/fhir/administrative-gender");
  EXPECT_EQ(maps.find("missing"), nullptr);
}

TEST(ConceptMaps, LookupTransformsAndErrors) {
  ConceptMapLookups maps;
  ASSERT_TRUE(maps.addFromJson(kGender, "gender.json").ok());
  EXPECT_EQ(apply("lookup", "女", "gender", &maps).value(), "female");
  EXPECT_EQ(apply("reverse_lookup", "female", "gender", &maps).value(), "女");
  auto unmapped = apply("lookup", "X", "gender", &maps);
  ASSERT_FALSE(unmapped.ok());
  EXPECT_NE(unmapped.status().message().find("'X'"), std::string::npos) << unmapped.status().message();
  EXPECT_FALSE(apply("reverse_lookup", "other", "gender", &maps).ok());
  EXPECT_FALSE(apply("lookup", "女", "nope", &maps).ok());
  EXPECT_FALSE(apply("lookup", "女", "gender", nullptr).ok());
  EXPECT_EQ(apply("lookup_or_empty", "女", "gender", &maps).value(), "female");
  EXPECT_EQ(apply("lookup_or_empty", "X", "gender", &maps).value(), "") << "an unknown code gives no value";
  EXPECT_FALSE(apply("lookup_or_empty", "女", "nope", &maps).ok()) << "a missing ConceptMap is still an error";
}

TEST(ConceptMaps, BadFilesAreErrorsNamingTheFile) {
  ConceptMapLookups maps;
  Status notJson = maps.addFromJson("{", "broken.json");
  EXPECT_FALSE(notJson.ok());
  EXPECT_NE(notJson.message().find("broken.json"), std::string::npos);
  EXPECT_FALSE(maps.addFromJson(R"({"resourceType":"ValueSet","id":"x"})", "vs.json").ok());
  EXPECT_FALSE(maps.addFromJson(
                   R"({"resourceType":"ConceptMap","id":"c","group":[{"element":[
                     {"code":"a","target":[{"code":"x"}]},{"code":"a","target":[{"code":"y"}]}]}]})",
                   "conflict.json")
                   .ok());
  ASSERT_TRUE(maps.addFromJson(kGender, "gender.json").ok());
  Status duplicate = maps.addFromJson(kGender, "again.json");
  EXPECT_EQ(duplicate.code(), StatusCode::Conflict);
}

}  // namespace
}  // namespace renkei::mapping

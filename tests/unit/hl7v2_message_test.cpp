// HL7 v2 messages: delimiters from MSH, character sets (ISO-2022-JP with NEC extensions, CP932,
// UTF-8) decoded before splitting, segment separators, paths, escapes, limits, and the SS-MIX2
// sample storage's messages.
#include <gtest/gtest.h>

#include <unicode/ucnv.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "renkei/hl7v2/message.h"
#include "support/test_env.h"

namespace renkei::hl7v2 {
namespace {

/// ISO-2022-JP bytes of JIS X 0208 text given as (row+0x20, cell+0x20) pairs.
std::string jis(std::initializer_list<unsigned char> pairs) {
  std::string out = "\x1b$B";
  for (unsigned char c : pairs) out += static_cast<char>(c);
  return out + "\x1b(B";
}

TEST(Hl7v2Message, DecodesIso2022JpBeforeSplittingAndReadsPaths) {
  // 山田 (3B33 4544) ^ 花子 (3256 3B52); the kana name in half-width katakana (ESC ( I), whose
  // dakuten ﾞ is the byte 0x5E ('^'); in the address ① (2D21, an NEC extension) and a JIS pair
  // whose second byte is 0x7C ('|'): none of these bytes may split anything.
  const std::string kanji = jis({0x3B, 0x33, 0x45, 0x44}) + "^" + jis({0x32, 0x56, 0x3B, 0x52});
  const std::string kana = "\x1b(ITO@^\x1b(B^\x1b(IJE:\x1b(B";  // ﾔﾏﾀﾞ ^ ﾊﾅｺ
  const std::string msg = "MSH|^~\\&|HIS|HOSP|GW|RCV|20241122093000||ADT^A08^ADT_A01|MSG0001|P|2.5||||||~ISO IR87||ISO 2022-1994\r"
                          "PID|1||1234567^^^^PI||" + kanji + "^^^^^L^I~" + kana + "^^^^^L^P||19400401|F|||" +
                          jis({0x2D, 0x21}) + "\x1b(I1\x1b(B" + jis({0x5F, 0x7C}) + "\r";
  auto m = Message::parse(msg);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->charset(), "ISO-2022-JP");
  EXPECT_EQ(m->type(), "ADT^A08");
  EXPECT_EQ(m->value("PID-5.1").value(), "山田");
  EXPECT_EQ(m->value("PID-5[1].2").value(), "花子");
  EXPECT_EQ(m->value("PID-5[1].8").value(), "I");
  EXPECT_EQ(m->value("PID-5[2].1").value(), "ﾔﾏﾀﾞ");
  EXPECT_EQ(m->value("PID-5[2].2").value(), "ﾊﾅｺ");
  EXPECT_EQ(m->value("PID-5[2].8").value(), "P");
  EXPECT_EQ(m->repetitions("PID-5").value().size(), 2u);
  EXPECT_EQ(m->value("PID-3.1").value(), "1234567");
  ASSERT_EQ(m->segments()[1].fields.size(), 12u) << "the pair holding 0x7C did not split a field";
  const std::string address = m->value("PID-11").value();
  EXPECT_EQ(address.rfind("①ｱ", 0), 0u) << address;
  EXPECT_EQ(m->value("PID-99").value(), "") << "absent is empty";
  EXPECT_EQ(m->value("OBX-5").value(), "");
  EXPECT_EQ(m->value("MSH-1").value(), "|");
  EXPECT_EQ(m->value("MSH-2").value(), "^~\\&");
  EXPECT_EQ(m->value("MSH-10").value(), "MSG0001");
}

TEST(Hl7v2Message, EscapesNullsAndOtherDelimiters) {
  auto m = Message::parse("MSH#*!$%#A#B#C#D#20241122##ADT*A03#1#P#2.5.1#######UNICODE UTF-8\n"
                          "OBX#1#TX#x##a$F$b$S$c$T$d$R$e$E$f$X41$g$.br$h$Z$i#\"\"#\n");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->delimiters().field, '#');
  EXPECT_EQ(m->delimiters().component, '*');
  EXPECT_EQ(m->charset(), "UTF-8");
  EXPECT_EQ(m->type(), "ADT^A03");
  EXPECT_EQ(m->value("OBX-5").value(), "a#b*c%d!e$fAg\nh$Z$i") << "escapes resolve after splitting";
  EXPECT_EQ(m->value("OBX-6").value(), "\"\"") << "an explicit null stays distinguishable from absent";
  EXPECT_EQ(m->value("OBX-7").value(), "");
}

TEST(Hl7v2Message, SegmentSeparatorsMllpFramingAndCp932) {
  auto framed = Message::parse("\x0bMSH|^~\\&|A|B|C|D|20241122||ADT^A01|1|P|2.5\rPID|1||99\r\x1c\r");
  ASSERT_TRUE(framed.ok()) << framed.status().message();
  EXPECT_EQ(framed->segments().size(), 2u) << "MLLP's start and end blocks are not segments";
  for (const std::string sep : {"\r", "\r\n", "\n"}) {
    auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A01|1|P|2.5||||||SJIS" + sep + "PID|1||99" + sep +
                            "PV1|1|I" + sep + sep);
    ASSERT_TRUE(m.ok()) << m.status().message();
    EXPECT_EQ(m->segments().size(), 3u);
    EXPECT_EQ(m->value("PV1-2").value(), "I");
  }
  auto sjis = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A01|1|P|2.5||||||SHIFT_JIS\rPID|1||99||\x8e\x52\x93\x63\x87\x40\r");
  ASSERT_TRUE(sjis.ok()) << sjis.status().message();
  EXPECT_EQ(sjis->charset(), "CP932");
  EXPECT_EQ(sjis->value("PID-5").value(), "山田①");
}

TEST(Hl7v2Message, Cp932TrailBytesThatLookLikeAsciiStayInTheirCharacters) {
  // ポ is 83 7C and ソ is 83 5C: their trail bytes are '|' and '\\', which must neither split a
  // field nor start an escape; ASCII between the two-byte runs is copied as it is.
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||SJIS\r"
                          "PID|1||99||\x83\x7C\x83\x5C^a|\xB1" "b\x88\x9F|x\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->value("PID-5.1").value(), "ポソ");
  EXPECT_EQ(m->value("PID-5.2").value(), "a");
  EXPECT_EQ(m->value("PID-6").value(), "ｱb亜") << "a one-byte katakana, ASCII, then a kanji";
  EXPECT_EQ(m->value("PID-7").value(), "x");
  auto cut = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||SJIS\rPID|1||99||\x83");
  ASSERT_FALSE(cut.ok()) << "a lead byte without its trail is not CP932";
  EXPECT_NE(cut.status().message().find("CP932"), std::string::npos);
}

/// `bytes` decoded by ICU's windows-31j converter in one call ("" when it refuses them).
std::string icuCp932(const std::string& bytes) {
  UErrorCode error = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> cp932(ucnv_open("windows-31j", &error), ucnv_close);
  std::unique_ptr<UConverter, void (*)(UConverter*)> utf8(ucnv_open("UTF-8", &error), ucnv_close);
  ucnv_setToUCallBack(cp932.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &error);
  std::string out(bytes.size() * 3 + 8, '\0');
  char* target = out.data();
  const char* source = bytes.data();
  UChar pivot[256];
  UChar* pivotSource = pivot;
  UChar* pivotTarget = pivot;
  ucnv_convertEx(utf8.get(), cp932.get(), &target, out.data() + out.size(), &source, bytes.data() + bytes.size(), pivot,
                 &pivotSource, &pivotTarget, pivot + 256, true, true, &error);
  if (U_FAILURE(error)) return "";
  out.resize(static_cast<std::size_t>(target - out.data()));
  return out;
}

TEST(Hl7v2Message, EveryCp932CharacterDecodesAsIcuDecodesTheWholeText) {
  // Every byte pair and single byte ICU takes as one character, in one field, then each that
  // it refuses on its own.
  const std::string header = "MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||SJIS\rPID|1||99||";
  std::string all;
  std::vector<std::string> refused;
  for (unsigned lead = 0x80; lead <= 0xFF; ++lead) {
    const bool isLead = (lead >= 0x81 && lead <= 0x9F) || (lead >= 0xE0 && lead <= 0xFC);
    for (unsigned trail = isLead ? 0x40 : 0; trail <= (isLead ? 0xFCu : 0u); ++trail) {
      std::string c(1, static_cast<char>(lead));
      if (isLead) c += static_cast<char>(trail);
      std::string decoded = icuCp932(c);
      if (decoded.empty()) {
        refused.push_back(c);
      } else {
        all += c;
      }
    }
  }
  auto m = Message::parse(header + all + "\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const std::string expected = icuCp932(all);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(m->segments()[1].fields[5], expected) << "the field as decoded, before any splitting";
  EXPECT_GT(all.size(), 15000u);
  ASSERT_FALSE(refused.empty());
  for (const std::string& c : refused) {
    EXPECT_FALSE(Message::parse(header + "a" + c + "b\r").ok()) << std::hex << static_cast<unsigned>(static_cast<unsigned char>(c[0]));
  }
}

TEST(Hl7v2Message, TheSameBytesParsedAgainGiveTheSameMessageUnderTheirOwnLimits) {
  const std::string bytes = "MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5\rPID|1||99||a^b\rPV1|1|I\r";
  auto first = Message::parse(bytes);
  auto again = Message::parse(bytes);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(again->segments().size(), 3u);
  EXPECT_EQ(again->value("PID-5.2").value(), "b");
  Limits strict;
  strict.maxSegments = 2;
  EXPECT_EQ(Message::parse(bytes, strict).status().code(), StatusCode::TooLarge)
      << "a message parsed under looser limits is not reused under stricter ones";
  EXPECT_EQ(Message::parse(bytes.substr(0, bytes.size() - 5)).value().segments().size(), 3u)
      << "other bytes are parsed afresh";
}

TEST(Hl7v2Message, GroupsKeepReadingAfterTheMessageIsGone) {
  std::vector<SegmentGroup> groups;
  {
    auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||PPR^ZD1|1|P|2.5\rPID|1||99\rPRB|1|AD|x1\rPRB|2|AD|x2\r");
    ASSERT_TRUE(m.ok()) << m.status().message();
    groups = m->groups("PRB");
  }
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].message.value("PRB-3").value(), "x2");
  EXPECT_EQ(groups[1].message.value("PID-3").value(), "99");
}

TEST(Hl7v2Message, RefusesWhatIsNotAMessageAndPathsThatAreNotPaths) {
  EXPECT_FALSE(Message::parse("PID|1||2\r").ok());
  EXPECT_FALSE(Message::parse("MSH|^^\\&|A\r").ok()) << "delimiters must differ";
  EXPECT_FALSE(Message::parse("MSH|^~\\&|A\rP!D|x\r").ok());
  EXPECT_FALSE(Message::parse("MSH|^~\\&|||||||||||||||~ISO IR87\rPID|\x1b$Bxx\r").ok()) << "bad JIS";
  auto two = Message::parse("MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.5\rPID|1\rMSH|^~\\&|A|B|C|D|1||ADT^A08|2|P|2.5\rPID|2\r");
  ASSERT_FALSE(two.ok()) << "two messages in one frame: the second is never dropped silently";
  EXPECT_NE(two.status().message().find("second MSH"), std::string::npos);
  Limits small;
  small.maxSegments = 2;
  auto tooMany = Message::parse("MSH|^~\\&|A\rPID|1\rPV1|1\r", small);
  ASSERT_FALSE(tooMany.ok());
  EXPECT_EQ(tooMany.status().code(), StatusCode::TooLarge);
  small.maxBytes = 4;
  EXPECT_EQ(Message::parse("MSH|^~\\&|A\r", small).status().code(), StatusCode::TooLarge);
  auto m = Message::parse("MSH|^~\\&|A\rPID|1\r");
  ASSERT_TRUE(m.ok());
  for (const char* bad : {"PID", "PID-", "PID-0", "PID-x", "PID-5[", "PID-5[0]", "PID-5.1.2.3", "PID[2-5", "P-5"}) {
    EXPECT_FALSE(m->value(bad).ok()) << bad;
    EXPECT_FALSE(FieldPath::parse(bad).ok()) << bad;
  }
}

TEST(Hl7v2Message, APathParsedOnceReadsWhatItsTextReads) {
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5\r"
                          "PID|1||99~98||a^b&c^d~e^f\rOBX|1|ST|x||one\rOBX|2|ST|y||two\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  for (const char* text : {"MSH-1", "MSH-2", "MSH-9.2", "PID-3", "PID-3[2]", "PID-5.2", "PID-5.2.2", "PID-5[2].1",
                           "PID-5[3].1", "OBX-5", "OBX[2]-5", "OBX[3]-5", "PV1-2"}) {
    auto path = FieldPath::parse(text);
    ASSERT_TRUE(path.ok()) << text;
    EXPECT_EQ(m->value(*path), m->value(text).value()) << text;
  }
  auto second = FieldPath::parse("OBX[2]-5[1].1.1");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(std::string(second->segment, 3), "OBX");
  EXPECT_EQ(second->segmentIndex, 2u);
  EXPECT_EQ(second->field, 5u);
  EXPECT_EQ(m->value(*second), "two");
}

TEST(Hl7v2Message, ARepetitionIsChosenByTheValueOfOneOfItsComponents) {
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||UNICODE UTF-8\r"
                          "PID|1||12345678^^^^HC~0000234567^^^^PI~777^^^^^||カナ^ナマエ^^^^^L^P~漢字^名\\S\\前^^^^^L^I\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const auto read = [&](const char* text) {
    auto path = FieldPath::parse(text);
    EXPECT_TRUE(path.ok()) << text;
    return path.ok() ? m->value(*path) : std::string("?");
  };
  EXPECT_EQ(read("PID-3[5=PI].1"), "0000234567");
  EXPECT_EQ(read("PID-3[5=].1"), "777") << "an empty value selects the first repetition without one";
  EXPECT_EQ(read("PID-3[5=MR].1"), "") << "no repetition has it";
  EXPECT_EQ(read("PID-5[8=I].1"), "漢字");
  EXPECT_EQ(read("PID-5[8=I].2"), "名^前") << "the chosen repetition's escapes are resolved";
  EXPECT_EQ(read("PID-5[8=P].1"), "カナ");
  EXPECT_EQ(read("PID-5[8=P]"), "カナ^ナマエ^^^^^L^P");
  for (const char* bad : {"PID-5[=P].1", "PID-5[8=P.1", "PID-5[x=P].1", "PID-5[0=P].1", "PID-5[8=P]x"}) {
    EXPECT_FALSE(FieldPath::parse(bad).ok()) << bad;
  }
}

TEST(Hl7v2Message, AHeaderSayingIsoIr87OverEightBitTextIsReadAsWhatTheBytesAre) {
  // No escape sequence at all: ISO-2022-JP cannot be what was written.
  auto utf8 = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||~ISO IR87||ISO 2022-1994\r"
                             "PID|1||99||山田^三郎^^^^^L^I||||||東京都北区\r");
  ASSERT_TRUE(utf8.ok()) << utf8.status().message();
  EXPECT_EQ(utf8->charset(), "UTF-8");
  EXPECT_EQ(utf8->value("PID-5.1").value(), "山田");
  EXPECT_EQ(utf8->value("PID-11").value(), "東京都北区");
  auto cp932 = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||~ISO IR87\r"
                              "PID|1||99||\x8e\x52\x93\x63\x87\x40\r");
  ASSERT_TRUE(cp932.ok()) << cp932.status().message();
  EXPECT_EQ(cp932->charset(), "CP932");
  EXPECT_EQ(cp932->value("PID-5").value(), "山田①");
  auto seven = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||~ISO IR87\rPID|1||99||" +
                              jis({0x3B, 0x33, 0x45, 0x44}) + "\r");
  ASSERT_TRUE(seven.ok()) << seven.status().message();
  EXPECT_EQ(seven->charset(), "ISO-2022-JP");
  EXPECT_EQ(seven->value("PID-5").value(), "山田");
}

TEST(Hl7v2Message, HexEscapesAreTextInTheMessagesCharacterSetOrStayAsWritten) {
  // In ISO-2022-JP the hex bytes are ISO-2022-JP too: ESC $ B 3B33 ESC ( B is 山.
  auto jisMessage = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||~ISO IR87\r"
                                   "PID|1||99||\\X1B24423B331B2842\\^\\X88EA\\~\\X1B2442\\\r");
  ASSERT_TRUE(jisMessage.ok()) << jisMessage.status().message();
  EXPECT_EQ(jisMessage->value("PID-5.1").value(), "山");
  EXPECT_EQ(jisMessage->value("PID-5[2]").value(), "\\X1B2442\\") << "an escape sequence alone is no text";
  EXPECT_EQ(jisMessage->value("PID-5.2").value(), "一") << "eight-bit bytes read as the message's would be (CP932)";
  auto cp932 = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||SJIS\rPID|1||99||\\X88EA\\^\\X1B\\\r");
  ASSERT_TRUE(cp932.ok()) << cp932.status().message();
  EXPECT_EQ(cp932->value("PID-5.1").value(), "一") << "88 EA in CP932";
  EXPECT_EQ(cp932->value("PID-5.2").value(), "\\X1B\\") << "a control character is not text";
  auto utf8 = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||UNICODE UTF-8\rPID|1||99||健\\X88EA\\\r");
  ASSERT_TRUE(utf8.ok()) << utf8.status().message();
  EXPECT_EQ(utf8->value("PID-5").value(), "健\\X88EA\\") << "not UTF-8: kept as written, not dropped";
}

TEST(Hl7v2Message, HalfWidthKatakanaMayBeShiftedOutAndIn) {
  // SO (0x0E) ... SI (0x0F): JIS X 0201 katakana as 7-bit bytes, as ESC ( I ... ESC ( B.
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5||||||~ISO IR87\r"
                          "PID|1||99||\x0eTO@^\x0f^\x0eJE:\x0f\r");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->value("PID-5.1").value(), "ﾔﾏﾀﾞ");
  EXPECT_EQ(m->value("PID-5.2").value(), "ﾊﾅｺ");
}

TEST(Hl7v2Message, WhatSurroundsAStoredMessageIsNotASegment) {
  const std::string body = "MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5\rPID|1||99\r";
  for (const std::string& bytes : {"\xEF\xBB\xBF" + body, "\r\n\r\n" + body, body + "   \r\n\t\r\n", body + "\x1a",
                                   "\xEF\xBB\xBF\x0b" + body + "\x1c\r"}) {
    auto m = Message::parse(bytes);
    ASSERT_TRUE(m.ok()) << m.status().message();
    EXPECT_EQ(m->segments().size(), 2u);
    EXPECT_EQ(m->value("PID-3").value(), "99");
  }
  EXPECT_EQ(withoutLeadIn("\xEF\xBB\xBF\r\nMSH|"), "MSH|");
  EXPECT_FALSE(Message::parse(body + std::string(1, '\0')).ok()) << "a NUL is not trimmed as if it were a blank";
}

TEST(Hl7v2Message, LinesMayEndInCrLfOrLfWithinOneMessage) {
  auto m = Message::parse("MSH|^~\\&|A|B|C|D|20241122||ADT^A08|1|P|2.5\nPID|1||99\r\nPV1|1|I\rOBX|1|ST|x||v\n\nZZZ|z");
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->segments().size(), 5u);
  EXPECT_EQ(m->value("PID-3").value(), "99");
  EXPECT_EQ(m->value("PV1-2").value(), "I");
  EXPECT_EQ(m->value("OBX-5").value(), "v");
  EXPECT_EQ(m->value("ZZZ-1").value(), "z");
}

TEST(Hl7v2Message, ReadsTheSsMix2SampleStorage) {
  const auto shared = test::sharedDir();
  const std::filesystem::path root = shared ? *shared / "testdata/ssmix2-samples/sampleData" : std::filesystem::path();
  if (!shared || !std::filesystem::exists(root)) {
    GTEST_SKIP() << "../shared/testdata/ssmix2-samples not found beside the checkout";
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = test::readText(entry.path());
    auto m = Message::parse(bytes);
    if (bytes.rfind("MSH", 0) != 0) {  // the storage also holds junk where a message should be
      EXPECT_FALSE(m.ok()) << entry.path().filename();
      EXPECT_FALSE(m.status().message().empty());
      continue;
    }
    ASSERT_TRUE(m.ok()) << entry.path().filename() << ": " << m.status().message();
    EXPECT_EQ(m->charset(), "ISO-2022-JP") << entry.path().filename();
    EXPECT_FALSE(m->type().empty());
    ++files;
  }
  EXPECT_GT(files, 10u);
}

}  // namespace
}  // namespace renkei::hl7v2

// The MLLP source's pure parts: framing (pieces of any size, the trailer, junk and oversized
// frames), the acknowledgement it writes (MSH mirrored, MSA, ERR, escapes) and the sender allow
// list (IPv4/IPv6 networks, facilities, certificates).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "source_mllp/hl7_ack.h"
#include "source_mllp/mllp_framing.h"
#include "source_mllp/mllp_senders.h"

namespace renkei::adapters {
namespace {

TEST(MllpDecoder, YieldsWholePayloadsWhateverThePieces) {
  const std::string wire = mllpFrame("MSH|one") + "\r\n" + mllpFrame("MSH|two");
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    MllpDecoder decoder(1024);
    std::vector<std::string> out;
    for (std::size_t at = 0; at < wire.size(); at += piece) {
      ASSERT_TRUE(decoder.feed(std::string_view(wire).substr(at, piece), out).ok());
    }
    EXPECT_EQ(out, (std::vector<std::string>{"MSH|one", "MSH|two"})) << "piece " << piece;
    EXPECT_FALSE(decoder.inFrame());
  }
}

TEST(MllpDecoder, ToleratesAMissingTrailerWhenTheNextFrameStarts) {
  MllpDecoder decoder(1024);
  std::vector<std::string> out;
  ASSERT_TRUE(decoder.feed("\x0b" "a\x1c\x0b" "b\x1c\r", out).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b"}));
}

TEST(MllpDecoder, AMessageIsCompleteAtItsEndBlock) {
  // A sender that leaves out the final CR waits for its ACK: nothing more will come.
  MllpDecoder decoder(1024);
  std::vector<std::string> out;
  ASSERT_TRUE(decoder.feed("\x0b" "MSH|a\x1c", out).ok());
  EXPECT_EQ(out, (std::vector<std::string>{"MSH|a"}));
  EXPECT_FALSE(decoder.inFrame());
  ASSERT_TRUE(decoder.feed("\r\x0b" "MSH|b\x1c\r", out).ok()) << "the CR arriving later is skipped";
  EXPECT_EQ(out.size(), 2u);
}

TEST(MllpDecoder, RefusesBytesOutsideAFrameAndStaysFailed) {
  MllpDecoder decoder(1024);
  std::vector<std::string> out;
  Status s = decoder.feed("GET / HTTP/1.1\r\n", out);
  EXPECT_EQ(s.code(), StatusCode::InvalidInput);
  EXPECT_NE(s.message().find("outside an MLLP frame"), std::string::npos);
  EXPECT_FALSE(decoder.feed(mllpFrame("MSH|x"), out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(MllpDecoder, RefusesAPayloadOverTheLimitBeforeHoldingIt) {
  MllpDecoder decoder(8);
  std::vector<std::string> out;
  ASSERT_TRUE(decoder.feed("\x0b" "12345678", out).ok());
  EXPECT_TRUE(decoder.inFrame());
  EXPECT_EQ(decoder.feed("9", out).code(), StatusCode::TooLarge);
}

hl7v2::Message parsed(const std::string& text) {
  auto m = hl7v2::Message::parse(text);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(m).value();
}

TEST(HL7Ack, MirrorsTheMessageHeaderAndAcceptsWithItsControlId) {
  const auto m = parsed("MSH|^~\\&|HIS|1312345678|GW|RCV|20241122093000||ADT^A01^ADT_A01|C-1|P|2.5||||||~ISO IR87\r");
  const std::string ack = buildAck(&m, AckCode::Accept, {}, "RK-1", "20241122093001");
  EXPECT_EQ(ack,
            "MSH|^~\\&|GW|RCV|HIS|1312345678|20241122093001||ACK^A01^ACK|RK-1|P|2.5||||||~ISO IR87\r"
            "MSA|AA|C-1\r");
  EXPECT_EQ(parsed(ack).type(), "ACK^A01");
}

TEST(HL7Ack, ErrorsCarryAnEscapedAsciiReasonAndACode) {
  const auto m = parsed("MSH|^~\\&|HIS|F|||20241122093000||ORM^O01|C-2|P|2.5\r");
  const std::string ack = buildAck(&m, AckCode::Reject, {"no mapping takes message type ORM^O01 | 患者", "200"},
                                   "RK-2", "20241122093001");
  EXPECT_NE(ack.find("\rMSA|AR|C-2|no mapping takes message type ORM\\S\\O01 \\F\\ ??"), std::string::npos) << ack;
  EXPECT_NE(ack.find("\rERR|||200^^HL70357|E||||no mapping"), std::string::npos) << ack;
  auto text = parsed(ack).value("MSA-3");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value(), "no mapping takes message type ORM^O01 | ??");
}

TEST(HL7Ack, EchoedHeaderFieldsStayAsciiAndFreeOfControlCharacters) {
  // 電子カルテ in ISO-2022-JP is decoded to UTF-8: echoed as such under ~ISO IR87 it would be
  // neither; a 0x0B inside a payload would start a frame in the sender's reader.
  const auto m = parsed("MSH|^~\\&|\x1b$BEE;R%+%k%F\x1b(B|1312345678|GW|RCV|20241122093000||ADT^A01|C\x0b-4|P|2.5||||||~ISO IR87\r");
  const std::string ack = buildAck(&m, AckCode::Accept, {}, "RK-4", "20241122093001");
  for (char c : ack) {
    EXPECT_TRUE(static_cast<unsigned char>(c) < 0x80 && (c == '\r' || static_cast<unsigned char>(c) >= 0x20)) << ack;
  }
  EXPECT_NE(ack.find("|GW|RCV|?????|1312345678|"), std::string::npos) << ack;
  EXPECT_NE(ack.find("\rMSA|AA|C-4\r"), std::string::npos) << ack;
}

TEST(HL7Ack, WithoutAMessageStillAnswersInDefaultEncoding) {
  const std::string ack = buildAck(nullptr, AckCode::Reject, {"bytes outside an MLLP frame", "100"}, "RK-3", "20241122");
  EXPECT_EQ(ack.rfind("MSH|^~\\&|", 0), 0u);
  EXPECT_NE(ack.find("\rMSA|AR||bytes outside an MLLP frame"), std::string::npos) << ack;
}

TEST(AddressNetwork, MatchesIpv4AndIpv6NetworksAndMappedAddresses) {
  auto lan = AddressNetwork::parse("10.1.0.0/16");
  ASSERT_TRUE(lan.ok());
  EXPECT_TRUE(lan->contains("10.1.200.3"));
  EXPECT_TRUE(lan->contains("::ffff:10.1.0.9"));
  EXPECT_FALSE(lan->contains("10.2.0.1"));
  auto host = AddressNetwork::parse("192.0.2.7");
  ASSERT_TRUE(host.ok());
  EXPECT_TRUE(host->contains("192.0.2.7"));
  EXPECT_FALSE(host->contains("192.0.2.8"));
  auto v6 = AddressNetwork::parse("2001:db8::/32");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->contains("2001:db8:1::5"));
  EXPECT_FALSE(v6->contains("2001:db9::5"));
  EXPECT_FALSE(v6->contains("10.1.0.1"));
  EXPECT_FALSE(AddressNetwork::parse("10.0.0.0/33").ok());
  EXPECT_FALSE(AddressNetwork::parse("hospital.example").ok());
}

TEST(MllpSenders, ChooseByAddressCertificateAndFacility) {
  rapidjson::Document config;
  config.Parse(R"([
    {"organization": "a", "addresses": ["10.1.0.0/16"], "facilities": ["1311111111"]},
    {"organization": "b", "addresses": ["10.1.0.0/16"], "facilities": ["1322222222"],
     "certificate_sha256": "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"}])");
  auto senders = MllpSenders::fromConfig(config);
  ASSERT_TRUE(senders.ok()) << senders.status().message();
  EXPECT_TRUE(senders->anyCertificates());
  EXPECT_TRUE(senders->forConnection("192.168.0.1", "").empty());
  const auto plain = senders->forConnection("10.1.0.5", "");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(senderForFacility(plain, "1322222222"), nullptr) << "b needs its certificate";
  ASSERT_NE(senderForFacility(plain, "1311111111"), nullptr);
  const auto certified =
      senders->forConnection("10.1.0.5", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  ASSERT_EQ(certified.size(), 2u);
  EXPECT_EQ(senderForFacility(certified, "1322222222")->organization, "b");
}

TEST(MllpSenders, TwoOrganizationsThatMayBothSendAFacilityAreNotGuessedBetween) {
  rapidjson::Document config;
  config.Parse(R"([
    {"organization": "a", "addresses": ["10.1.0.0/16"]},
    {"organization": "b", "addresses": ["10.1.2.0/24"]},
    {"organization": "c", "addresses": ["10.1.2.0/24"], "facilities": ["1333333333"]}])");
  auto senders = MllpSenders::fromConfig(config);
  ASSERT_TRUE(senders.ok()) << senders.status().message();
  EXPECT_EQ(senderForFacility(senders->forConnection("10.1.9.9", ""), "1311111111")->organization, "a");
  EXPECT_EQ(senderForFacility(senders->forConnection("10.1.2.9", ""), "1311111111"), nullptr)
      << "a and b may both send it from 10.1.2.9";
  rapidjson::Document bad;
  bad.Parse(R"([{"organization": "a", "addresses": ["10.1.0.0/16"], "mapping_parameters": {"institution": "13 11"}}])");
  EXPECT_FALSE(MllpSenders::fromConfig(bad).ok()) << "a parameter value with a space";
}

}  // namespace
}  // namespace renkei::adapters

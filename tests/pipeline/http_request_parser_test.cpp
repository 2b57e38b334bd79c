// The strict HTTP/1.1 request parser: heads in any pieces, the body only after startBody(),
// Content-Length and chunked bodies, pipelined requests, and every leniency an attacker uses
// refused with its status (bare LF, folding, duplicate Authorization, CL+TE, oversize).
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "renkei/net/http_request_parser.h"

namespace renkei::test {
namespace {

using net::HttpRequestParser;
using State = HttpRequestParser::State;

/// Feeds `bytes` in pieces of `piece`, reading the body when the head is done; returns the
/// number of bytes used.
std::size_t feedAll(HttpRequestParser& p, const std::string& bytes, std::size_t piece = 1) {
  std::size_t at = 0;
  while (at < bytes.size() && p.state() != State::Error && p.state() != State::Done) {
    at += p.feed(std::string_view(bytes).substr(at, piece));
    if (p.state() == State::HeadDone) p.startBody();
  }
  return at;
}

net::HttpLimits limits() {
  net::HttpLimits l;
  l.maxHeadBytes = 1024;
  l.maxBodyBytes = 100;
  return l;
}

TEST(HttpRequestParserTest, ReadsAHeadByteByByteAndStopsBeforeTheBody) {
  HttpRequestParser p(limits());
  const std::string head =
      "POST /fhir/Patient?x=1 HTTP/1.1\r\nHost: a\r\nAuthorization:  Bearer t \r\nContent-Length: 5\r\n\r\n";
  std::size_t at = 0;
  while (p.state() == State::Head) at += p.feed(std::string_view(head + "hello").substr(at, 1));
  EXPECT_EQ(p.state(), State::HeadDone);
  EXPECT_EQ(at, head.size()) << "not a byte of the body before startBody()";
  EXPECT_EQ(p.request().method, "POST");
  EXPECT_EQ(p.request().path, "/fhir/Patient");
  EXPECT_EQ(p.request().query, "x=1");
  EXPECT_EQ(p.request().header("authorization"), "Bearer t");
  EXPECT_TRUE(p.expectsBody());
  p.startBody();
  EXPECT_EQ(p.feed("hello"), 5u);
  EXPECT_EQ(p.state(), State::Done);
  EXPECT_EQ(p.request().body, "hello");
}

TEST(HttpRequestParserTest, LeavesAPipelinedRequestForTheNextRound) {
  HttpRequestParser p(limits());
  const std::string first = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab";
  const std::string second = "GET /fhir/metadata HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::size_t used = feedAll(p, first + second, 4096);
  EXPECT_EQ(used, first.size());
  EXPECT_EQ(p.request().body, "ab");
  p.reset();
  feedAll(p, second, 4096);
  EXPECT_EQ(p.state(), State::Done);
  EXPECT_EQ(p.request().path, "/fhir/metadata");
}

TEST(HttpRequestParserTest, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  HttpRequestParser p(limits());
  feedAll(p,
          "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
          3);
  ASSERT_EQ(p.state(), State::Done) << p.errorText();
  EXPECT_EQ(p.request().body, "hello world");
}

struct Refusal {
  std::string name;
  std::string bytes;
  int status;
};

class HttpRequestParserRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(HttpRequestParserRefusalTest, IsRefusedWithItsStatus) {
  for (std::size_t piece : {std::size_t{1}, std::size_t{4096}}) {
    HttpRequestParser p(limits());
    feedAll(p, GetParam().bytes, piece);
    EXPECT_EQ(p.state(), State::Error) << GetParam().name;
    EXPECT_EQ(p.errorStatus(), GetParam().status) << GetParam().name << ": " << p.errorText();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Strictness, HttpRequestParserRefusalTest,
    ::testing::Values(
        Refusal{"bare LF ends a header line", "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400},
        Refusal{"bare LF everywhere", "GET / HTTP/1.1\nHost: a\n\n", 400},
        Refusal{"bare CR", "GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400},
        Refusal{"two Authorization headers",
                "GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer a\r\nauthorization: Bearer b\r\n\r\n", 400},
        Refusal{"two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        Refusal{"no Host in HTTP/1.1", "GET / HTTP/1.1\r\nX: y\r\n\r\n", 400},
        Refusal{"Content-Length and Transfer-Encoding",
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        Refusal{"two Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", 400},
        Refusal{"signed Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", 400},
        Refusal{"gzip transfer coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        Refusal{"obsolete folding", "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n  z\r\n\r\n", 400},
        Refusal{"space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
        Refusal{"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", 35), 400},
        Refusal{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505},
        Refusal{"garbage request line", "HELLO\r\n\r\n", 400},
        Refusal{"body over the limit", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", 413},
        Refusal{"chunks over the limit",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + std::string(100, 'x') +
                    "\r\n1\r\n", 413},
        Refusal{"chunk longer than its size",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 400},
        Refusal{"head over the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(2000, 'x') + "\r\n\r\n", 431},
        Refusal{"Expect other than 100-continue", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417}),
    [](const auto& info) {
      std::string name;
      for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST(HttpRequestParserTest, KeepAliveFollowsTheVersionAndConnectionHeader) {
  auto keepAlive = [](const std::string& head) {
    HttpRequestParser p(limits());
    feedAll(p, head, 4096);
    return p.keepAlive();
  };
  EXPECT_TRUE(keepAlive("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  EXPECT_FALSE(keepAlive("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n"));
  EXPECT_FALSE(keepAlive("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_TRUE(keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
}

}  // namespace
}  // namespace renkei::test

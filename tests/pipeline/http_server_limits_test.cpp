// The event-driven HTTP server under hostile clients, in process with a small handler: an
// answer given before the body closes the connection (nothing smuggled in a body is served),
// idle and slow connections cost no worker, deadlines for head and request, the per-address
// cap, eviction of idle connections when full, keep-alive limits, 100-continue and pipelining.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "renkei/net/http_server.h"

namespace renkei::test {
namespace {

/// Admits requests to /open, or with "Authorization: Bearer good"; answers with the body size.
class CountingHandler : public net::HttpHandler {
 public:
  Admission admit(net::HttpRequest& head) override {
    Admission a;
    if (head.path == "/open") return a;
    if (head.header("authorization") != "Bearer good") {
      a.answer = net::HttpResponse(401, "who are you?\n");
      return a;
    }
    a.authenticated = true;
    return a;
  }
  net::HttpResponse handle(net::HttpRequest& request) override {
    ++handled;
    return net::HttpResponse(200, request.method + " " + request.path + " " +
                                      std::to_string(request.body.size()) + "\n");
  }
  std::atomic<int> handled{0};
};

/// A blocking TCP client from a chosen loopback address, with a receive timeout.
class RawClient {
 public:
  RawClient(int port, const std::string& from = "127.0.0.1", int timeoutMs = 5000) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    timeval tv{timeoutMs / 1000, (timeoutMs % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  /// Everything until the peer closes or the timeout passes.
  std::string readAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<std::size_t>(n));
    closedByPeer_ = n == 0;
    return out;
  }
  /// One response (head and Content-Length body), or "" on timeout/close.
  std::string readResponse() {
    std::string out;
    char c;
    while (out.find("\r\n\r\n") == std::string::npos) {
      if (::recv(fd_, &c, 1, 0) != 1) return out;
      out += c;
    }
    const std::size_t at = out.find("Content-Length: ");
    std::size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
    while (length > 0 && ::recv(fd_, &c, 1, 0) == 1) {
      out += c;
      --length;
    }
    return out;
  }
  bool closedByPeer() const { return closedByPeer_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closedByPeer_ = false;
};

class HttpServerLimitsTest : public ::testing::Test {
 protected:
  void start(net::HttpServerOptions options) {
    options.listen = "127.0.0.1:0";
    options.limits.maxBodyBytes = 1000;
    server_ = std::make_unique<net::HttpServer>(options, handler_);
    ASSERT_TRUE(server_->start().ok());
  }
  void TearDown() override {
    if (server_) server_->stop(1000);
  }
  int port() const { return server_->port(); }
  std::string authorizedGet(const std::string& from = "127.0.0.1") {
    RawClient c(port(), from);
    c.send("GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nConnection: close\r\n\r\n");
    return c.readAll();
  }

  CountingHandler handler_;
  std::unique_ptr<net::HttpServer> server_;
};

const std::string kSmuggled = "GET /open HTTP/1.1\r\nHost: a\r\n\r\n";

TEST_F(HttpServerLimitsTest, AnAnswerBeforeTheBodyClosesTheConnection) {
  start({});
  {  // 413 from the head: the body's "request" is never answered
    RawClient c(port());
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nContent-Length: 5000\r\n\r\n" + kSmuggled);
    const std::string all = c.readAll();
    EXPECT_EQ(all.rfind("HTTP/1.1 413", 0), 0u) << all;
    EXPECT_NE(all.find("Connection: close"), std::string::npos);
    EXPECT_EQ(all.find("HTTP/1.1 200"), std::string::npos) << "a request hidden in the body was served";
    EXPECT_TRUE(c.closedByPeer());
  }
  {  // 401 from the head, with a body announced
    RawClient c(port());
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(kSmuggled.size()) + "\r\n\r\n" + kSmuggled);
    const std::string all = c.readAll();
    EXPECT_EQ(all.rfind("HTTP/1.1 401", 0), 0u) << all;
    EXPECT_EQ(all.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_TRUE(c.closedByPeer());
  }
  {  // a malformed head: 400 and closed, the rest is not parsed
    RawClient c(port());
    c.send("GET /open HTTP/1.1\r\nHost: a\nX: y\r\n\r\n" + kSmuggled);
    const std::string all = c.readAll();
    EXPECT_EQ(all.rfind("HTTP/1.1 400", 0), 0u) << all;
    EXPECT_EQ(all.find("HTTP/1.1 200"), std::string::npos);
  }
  EXPECT_EQ(handler_.handled.load(), 0);
}

TEST_F(HttpServerLimitsTest, IdleAndSlowClientsCostNoWorker) {
  net::HttpServerOptions o;
  o.workers = 2;
  o.headerTimeoutMs = 30'000;
  o.requestTimeoutMs = 30'000;
  start(o);
  std::vector<std::unique_ptr<RawClient>> attackers;
  for (int i = 0; i < 60; ++i) attackers.push_back(std::make_unique<RawClient>(port(), "127.0.0.2"));
  for (int i = 0; i < 20; ++i) {  // authenticated uploads that never finish
    auto c = std::make_unique<RawClient>(port(), "127.0.0.3");
    c->send("POST /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nContent-Length: 900\r\n\r\nab");
    attackers.push_back(std::move(c));
  }
  for (int i = 0; i < 20; ++i) {  // heads that never finish
    auto c = std::make_unique<RawClient>(port(), "127.0.0.4");
    c->send("POST /x HTTP/1.1\r\nHost: a\r\n");
    attackers.push_back(std::move(c));
  }
  for (int i = 0; i < 10; ++i) {
    EXPECT_NE(authorizedGet().find("200 OK"), std::string::npos) << "request " << i;
  }
  EXPECT_EQ(handler_.handled.load(), 10);
  EXPECT_GE(server_->stats()->connectionsOpen.load(), 100) << "the attackers are still connected";
}

TEST_F(HttpServerLimitsTest, ASlowHeadIsCutOffAtItsDeadline) {
  net::HttpServerOptions o;
  o.headerTimeoutMs = 400;
  start(o);
  RawClient c(port());
  const std::string head = "GET /open HTTP/1.1\r\nHost: a\r\n\r\n";
  bool cut = false;
  for (std::size_t i = 0; i < head.size() - 1 && !cut; ++i) {  // one byte every 100 ms
    cut = !c.send(head.substr(i, 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string all = c.readAll();
  EXPECT_EQ(all.rfind("HTTP/1.1 408", 0), 0u) << all;
  EXPECT_TRUE(c.closedByPeer());
  EXPECT_EQ(handler_.handled.load(), 0);
}

TEST_F(HttpServerLimitsTest, ASlowBodyIsCutOffAtTheRequestDeadline) {
  net::HttpServerOptions o;
  o.requestTimeoutMs = 500;
  start(o);
  RawClient c(port());
  c.send("POST /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nContent-Length: 100\r\n\r\n");
  for (int i = 0; i < 8; ++i) {  // keeps sending, just too slowly
    if (!c.send("x")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(c.readAll().rfind("HTTP/1.1 408", 0), 0u);
  EXPECT_EQ(handler_.handled.load(), 0);
}

TEST_F(HttpServerLimitsTest, AnIdleKeepAliveConnectionIsClosed) {
  net::HttpServerOptions o;
  o.idleTimeoutMs = 300;
  start(o);
  RawClient c(port());
  c.send("GET /open HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_NE(c.readResponse().find("200 OK"), std::string::npos);
  EXPECT_EQ(c.readAll(), "") << "closed without a word once idle";
  EXPECT_TRUE(c.closedByPeer());
}

TEST_F(HttpServerLimitsTest, OneAddressGetsAtMostItsShare) {
  net::HttpServerOptions o;
  o.maxConnectionsPerAddress = 5;
  start(o);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 8; ++i) held.push_back(std::make_unique<RawClient>(port(), "127.0.0.5", 500));
  int refused = 0;
  for (auto& c : held) {
    c->readAll();
    if (c->closedByPeer()) ++refused;
  }
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(server_->stats()->refusedPerAddress.load(), 3);
  EXPECT_NE(authorizedGet().find("200 OK"), std::string::npos) << "other addresses are served";
}

TEST_F(HttpServerLimitsTest, WhenFullTheLongestIdleConnectionMakesRoom) {
  net::HttpServerOptions o;
  o.maxConnections = 10;
  start(o);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(std::make_unique<RawClient>(port(), "127.0.0.6", 200));
  while (server_->stats()->connectionsOpen.load() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_NE(authorizedGet().find("200 OK"), std::string::npos);
  EXPECT_GE(server_->stats()->evicted.load(), 1);
  idle.front()->readAll();
  EXPECT_TRUE(idle.front()->closedByPeer()) << "the oldest idle connection went first";
}

TEST_F(HttpServerLimitsTest, ContinueIsSentOnlyToAdmittedRequests) {
  start({});
  {
    RawClient c(port());
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    std::string first = c.readResponse();
    EXPECT_EQ(first.rfind("HTTP/1.1 100 Continue", 0), 0u) << first;
    c.send("abc");
    EXPECT_NE(c.readResponse().find("POST /x 3"), std::string::npos);
  }
  {
    RawClient c(port());
    c.send("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(c.readResponse().rfind("HTTP/1.1 401", 0), 0u);
  }
}

TEST_F(HttpServerLimitsTest, PipelinedRequestsAreAnsweredInOrder) {
  start({});
  RawClient c(port());
  c.send("POST /x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nContent-Length: 2\r\n\r\nab"
         "GET /open HTTP/1.1\r\nHost: a\r\n\r\n"
         "POST /y HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer good\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n");
  EXPECT_NE(c.readResponse().find("POST /x 2"), std::string::npos);
  EXPECT_NE(c.readResponse().find("GET /open 0"), std::string::npos);
  EXPECT_NE(c.readResponse().find("POST /y 3"), std::string::npos);
}

}  // namespace
}  // namespace renkei::test

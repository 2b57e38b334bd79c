// An event-driven HTTP/1.1 server (epoll) for endpoints that face the outside: one I/O thread
// holds every connection, does the TLS handshakes and reads each request completely — head
// first, then, only if the handler admits it (authenticated from the headers), its body — and
// only then gives it to a bounded worker pool. Slow and idle clients therefore cost a
// descriptor and a few kilobytes, never a worker. Limits: a deadline for the head and one for
// the whole request, an idle keep-alive timeout, a write deadline, a cap on connections in all
// and per client address (when full, the longest-idle unauthenticated connection is closed to
// make room), and a bounded request queue where authenticated requests go first. An answer
// given before the body was read closes the connection (no bytes of a body are ever parsed as
// a request).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "renkei/core/health_registry.h"
#include "renkei/core/status.h"
#include "renkei/net/http_message.h"
#include "renkei/net/http_request_parser.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace renkei::net {

/// What the server counted since it started (for /metrics).
struct HttpServerStats {
  std::atomic<int64_t> connectionsOpen{0};
  std::atomic<int64_t> connectionsAccepted{0};
  std::atomic<int64_t> refusedPerAddress{0};  ///< over maxConnectionsPerAddress
  std::atomic<int64_t> refusedFull{0};        ///< at maxConnections with nothing to evict
  std::atomic<int64_t> evicted{0};            ///< idle connections closed to make room
  std::atomic<int64_t> timedOut{0};           ///< head, request, idle-before-first-byte or write deadline
  std::atomic<int64_t> rejectedEarly{0};      ///< answered from the head (e.g. 401) without reading a body
  std::atomic<int64_t> malformed{0};          ///< 4xx/5xx from the parser
  std::atomic<int64_t> queueFull{0};          ///< 503 because the request queue was full
  std::atomic<int64_t> requests{0};           ///< requests handed to the workers
};

struct HttpServerOptions {
  std::string listen;      ///< "host:port"; port 0 picks a free one
  SSL_CTX* tls = nullptr;  ///< null: plain HTTP; the caller keeps the context alive
  int workers = 8;
  int maxQueued = 256;  ///< complete requests waiting for a worker; beyond it: 503
  int maxConnections = 1024;
  int maxConnectionsPerAddress = 256;  ///< a hospital behind one NAT address may pool many
  int64_t headerTimeoutMs = 10'000;   ///< from a request's first byte (or the accept) to its end of head
  int64_t requestTimeoutMs = 60'000;  ///< from a request's first byte to its last
  int64_t idleTimeoutMs = 30'000;     ///< keep-alive: between a response and the next request
  int64_t writeTimeoutMs = 30'000;    ///< to write one response
  HttpLimits limits;
  std::shared_ptr<HttpServerStats> stats;  ///< where to count; null: the server makes its own
  /// The I/O thread and the workers are SupervisedLoops named "<component>:io" and
  /// "<component>:worker-N", reported here (may be null).
  std::string component;
  std::shared_ptr<HealthRegistry> health;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  struct Admission {
    std::optional<HttpResponse> answer;  ///< answer now, without reading the body
    bool authenticated = false;          ///< the request carries a valid credential
  };
  /// On the I/O thread, with the head only (the body is empty): must be quick.
  virtual Admission admit(HttpRequest& head) = 0;
  /// On a worker, with the whole request.
  virtual HttpResponse handle(HttpRequest& request) = 0;
  /// The response for an error the server itself detected (400, 408, 413, 431, 503 …).
  virtual HttpResponse errorResponse(int status, const std::string& text) {
    return HttpResponse(status, text + "\n");
  }
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds (a second listener on the same port fails), raises the soft descriptor limit towards
  /// maxConnections when it is lower (up to the hard limit), then serves on its own threads.
  Status start();
  /// Stops accepting, lets requests already read finish and their answers go out (at most
  /// `graceMs`), then closes every connection.
  void stop(int64_t graceMs = 10'000);
  int port() const;
  /// Shared so that /metrics can read it after the server is gone.
  std::shared_ptr<const HttpServerStats> stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace renkei::net

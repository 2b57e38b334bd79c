// The event-driven HTTP server: the I/O thread (accept, TLS, reading, deadlines, eviction,
// writing) and the worker pool (see http_server.h for the model and its limits).
#include "renkei/net/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "renkei/core/json_log.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/net/socket_channel.h"

namespace renkei::net {
namespace {

constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
constexpr std::size_t kReadChunk = 64 * 1024;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

enum class Phase { Handshake, Reading, Queued, Writing };

struct Connection {
  uint64_t id = 0;
  std::unique_ptr<SocketChannel> channel;
  std::string peer;
  std::string certificateSha256;
  Phase phase = Phase::Handshake;
  HttpRequestParser parser;
  std::string in;  ///< read but not yet given to the parser
  std::string out;
  std::size_t outPos = 0;
  bool closeAfterWrite = false;
  bool authenticated = false;
  bool headOnly = false;
  bool requestStarted = false;  ///< a byte of the current request has arrived
  int64_t headDeadline = 0;
  int64_t requestDeadline = 0;
  int64_t idleDeadline = 0;   ///< waiting for the first byte of a request
  int64_t writeDeadline = 0;
  int64_t lastActivity = 0;

  explicit Connection(HttpLimits limits) : parser(limits) {}
};

struct Job {
  uint64_t connection;
  HttpRequest request;
  bool keepAlive;
};

struct Completion {
  uint64_t connection;
  std::string bytes;
  bool close;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler& handler)
      : options_(std::move(options)), handler_(handler) {
    if (options_.stats) stats_ = options_.stats;
  }

  ~Impl() { stop(0); }

  Status start() {
    try {
      const Poco::Net::SocketAddress address(options_.listen);
      listener_.bind(address, true, false);  // SO_REUSEADDR, not SO_REUSEPORT
      listener_.listen(std::max(options_.maxQueued, 128));
      listener_.setBlocking(false);
      port_ = listener_.address().port();
    } catch (const Poco::Exception& e) {
      return Status::unavailable("cannot listen on " + options_.listen + ": " + e.displayText());
    }
    // OpenSSL writes to sockets with write(2): a peer that went away must not kill the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    raiseDescriptorLimit();
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_ < 0 || wake_ < 0) return Status::unavailable("cannot create epoll/eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerId;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_.impl()->sockfd(), &ev);
    ev.data.u64 = kWakeId;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    const std::string name = options_.component.empty() ? "http" : options_.component;
    for (int i = 0; i < std::max(1, options_.workers); ++i) {
      workers_.push_back(std::make_unique<SupervisedLoop>(name + ":worker-" + std::to_string(i + 1),
                                                          options_.health, [this] { return workRound(); }));
      workers_.back()->start();
    }
    io_ = std::make_unique<SupervisedLoop>(name + ":io", options_.health, [this] { return ioRound(); });
    io_->start();
    return Status::okStatus();
  }

  void stop(int64_t graceMs) {
    if (!io_) return;
    stopDeadline_ = nowMs() + graceMs;
    stopping_ = true;
    wakeIo();
    {
      std::unique_lock lock(drainMutex_);
      drainedCv_.wait_for(lock, std::chrono::milliseconds(graceMs + 1000), [&] { return drained_; });
    }
    io_->stop();
    io_.reset();
    for (auto& w : workers_) w->requestStop();
    jobsReady_.notify_all();
    workers_.clear();  // joins each
    connections_.clear();
    ::close(epoll_);
    ::close(wake_);
    listener_.close();
  }

  int port() const { return port_; }

  /// Connections need descriptors: the usual soft limit (1,024) is below what the store, the
  /// files and max_connections need together, and the hard limit is usually far higher.
  void raiseDescriptorLimit() const {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t wanted = static_cast<rlim_t>(options_.maxConnections) + 512;
    if (limit.rlim_cur >= wanted) return;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted) {
      JsonLog::write(LogLevel::Warn, "descriptor_limit_low",
                     {{"limit", std::to_string(limit.rlim_cur)}, {"wanted", std::to_string(wanted)}});
    }
  }

  std::shared_ptr<const HttpServerStats> stats() const { return stats_; }

 private:
  // ---- I/O thread ----

  /// One round of the I/O thread: wait up to 100 ms for events, handle them, enforce deadlines;
  /// while stopping, close idle connections and say when the busy ones are done.
  Status ioRound() {
    if (stopping_) {
      if (listening_) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_.impl()->sockfd(), nullptr);
        listening_ = false;
      }
      closeIdleForStop();
      if (connections_.empty() || nowMs() >= stopDeadline_) {
        std::lock_guard lock(drainMutex_);
        drained_ = true;
        drainedCv_.notify_all();
      }
    }
    const int n = epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), 100);
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events_[static_cast<std::size_t>(i)].data.u64;
      if (id == kListenerId) {
        acceptAll();
      } else if (id == kWakeId) {
        uint64_t ignored;
        while (::read(wake_, &ignored, sizeof ignored) > 0) {
        }
        drainCompletions();
      } else {
        auto it = connections_.find(id);
        if (it != connections_.end()) progress(*it->second);
      }
    }
    expireDeadlines();
    return Status::okStatus();
  }

  void acceptAll() {
    for (int i = 0; i < 64; ++i) {
      sockaddr_storage addr{};
      socklen_t length = sizeof addr;
      const int fd = accept4(listener_.impl()->sockfd(), reinterpret_cast<sockaddr*>(&addr), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const std::string peer = peerAddressText(addr);
      if (perAddress_[peer] >= options_.maxConnectionsPerAddress) {
        ++stats_->refusedPerAddress;
        ::close(fd);
        continue;
      }
      if (static_cast<int>(connections_.size()) >= options_.maxConnections && !evictOne()) {
        ++stats_->refusedFull;
        ::close(fd);
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto c = std::make_unique<Connection>(options_.limits);
      c->id = nextId_++;
      c->channel = std::make_unique<SocketChannel>(fd, options_.tls);
      c->peer = peer;
      c->phase = options_.tls != nullptr ? Phase::Handshake : Phase::Reading;
      const int64_t now = nowMs();
      c->lastActivity = now;
      c->headDeadline = now + options_.headerTimeoutMs;  // a new connection must speak soon
      c->idleDeadline = c->headDeadline;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      ev.data.u64 = c->id;
      if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) continue;
      ++perAddress_[peer];
      ++stats_->connectionsAccepted;
      ++stats_->connectionsOpen;
      Connection& ref = *c;
      connections_.emplace(c->id, std::move(c));
      progress(ref);
    }
  }

  /// Closes the connection that matters least to make room: idle and unauthenticated first,
  /// then a slow unauthenticated one, then an idle authenticated one.
  bool evictOne() {
    Connection* victim = nullptr;
    int victimRank = 4;
    for (auto& [id, c] : connections_) {
      if (c->phase != Phase::Reading && c->phase != Phase::Handshake) continue;
      const int rank = !c->authenticated && !c->requestStarted ? 0
                       : !c->authenticated                  ? 1
                       : !c->requestStarted                 ? 2
                                                            : 4;
      const bool older = victim != nullptr && (c->lastActivity < victim->lastActivity ||
                                               (c->lastActivity == victim->lastActivity && c->id < victim->id));
      if (rank < victimRank || (rank == victimRank && older)) {
        victim = c.get();
        victimRank = rank;
      }
    }
    if (victim == nullptr || victimRank > 2) return false;
    ++stats_->evicted;
    close(*victim);
    return true;
  }

  void close(Connection& c) {
    c.channel->shutdown();
    auto count = perAddress_.find(c.peer);
    if (count != perAddress_.end() && --count->second <= 0) perAddress_.erase(count);
    --stats_->connectionsOpen;
    const uint64_t id = c.id;
    connections_.erase(id);  // destroys c: closes the descriptor
  }

  /// Moves the connection as far as it can go without blocking.
  void progress(Connection& c) {
    while (true) {
      switch (c.phase) {
        case Phase::Handshake: {
          const SocketChannel::Io r = c.channel->handshake();
          if (r == SocketChannel::Io::WouldBlock) return;
          if (r != SocketChannel::Io::Done) return close(c);
          c.certificateSha256 = c.channel->peerCertificateSha256();
          c.phase = Phase::Reading;
          break;
        }
        case Phase::Reading:
          if (!flushOut(c)) return;
          if (!readStep(c)) return;
          break;
        case Phase::Queued:
          return;
        case Phase::Writing: {
          if (!flushOut(c)) return;
          if (c.closeAfterWrite) return close(c);
          startNextRequest(c);
          break;
        }
      }
    }
  }

  /// Writes pending output; false when the connection is gone or must wait.
  bool flushOut(Connection& c) {
    while (c.outPos < c.out.size()) {
      std::size_t written = 0;
      const SocketChannel::Io r =
          c.channel->write(std::string_view(c.out).substr(c.outPos), written);
      c.outPos += written;
      if (r == SocketChannel::Io::WouldBlock) return c.phase == Phase::Reading;  // reading may go on
      if (r != SocketChannel::Io::Done) {
        close(c);
        return false;
      }
      c.lastActivity = nowMs();
    }
    c.out.clear();
    c.outPos = 0;
    return true;
  }

  /// One step of reading a request; false when the connection must wait or is gone.
  bool readStep(Connection& c) {
    HttpRequestParser& p = c.parser;
    if (p.state() == HttpRequestParser::State::Head || p.state() == HttpRequestParser::State::Body) {
      if (c.in.empty()) {
        const SocketChannel::Io r = c.channel->read(c.in, kReadChunk);
        if (r == SocketChannel::Io::WouldBlock) return false;
        if (r != SocketChannel::Io::Done) {
          close(c);
          return false;
        }
        const int64_t now = nowMs();
        c.lastActivity = now;
        if (!c.requestStarted) {
          c.requestStarted = true;
          c.headDeadline = now + options_.headerTimeoutMs;
          c.requestDeadline = now + options_.requestTimeoutMs;
        }
      }
      c.in.erase(0, p.feed(c.in));
    }
    switch (p.state()) {
      case HttpRequestParser::State::Error:
        ++stats_->malformed;
        respond(c, handler_.errorResponse(p.errorStatus(), p.errorText()), true);
        break;
      case HttpRequestParser::State::HeadDone:
        admit(c);
        break;
      case HttpRequestParser::State::Done:
        dispatch(c);
        break;
      default:
        break;
    }
    return true;
  }

  void admit(Connection& c) {
    HttpRequest& request = c.parser.request();
    c.headOnly = request.method == "HEAD";  // an early answer to HEAD has no body either
    request.peerAddress = c.peer;
    request.clientCertificateSha256 = c.certificateSha256;
    HttpHandler::Admission admission;
    try {
      admission = handler_.admit(request);
    } catch (...) {
      JsonLog::write(LogLevel::Error, "http_admission_failed", {{"error", describeCurrentException()}});
      admission.answer = handler_.errorResponse(500, "the request could not be admitted");
    }
    if (admission.answer) {
      ++stats_->rejectedEarly;
      // The body (if any) was not read: the connection cannot be used for another request.
      respond(c, std::move(*admission.answer), c.parser.expectsBody() || !c.parser.keepAlive());
      return;
    }
    c.authenticated = c.authenticated || admission.authenticated;
    if (c.parser.expectsContinue() && c.parser.expectsBody() && c.in.empty()) {
      c.out += "HTTP/1.1 100 Continue\r\n\r\n";
    }
    c.parser.startBody();
  }

  void dispatch(Connection& c) {
    c.phase = Phase::Queued;
    Job job{c.id, std::move(c.parser.request()), c.parser.keepAlive()};
    c.headOnly = job.request.method == "HEAD";
    {
      std::lock_guard lock(jobsMutex_);
      if (static_cast<int>(urgent_.size() + ordinary_.size()) >= options_.maxQueued) {
        ++stats_->queueFull;
        HttpResponse busy = handler_.errorResponse(503, "the server is busy; try again shortly");
        busy.headers.emplace_back("Retry-After", "1");
        c.phase = Phase::Reading;
        respond(c, std::move(busy), !job.keepAlive);
        return;
      }
      (c.authenticated ? urgent_ : ordinary_).push_back(std::move(job));
    }
    ++stats_->requests;
    jobsReady_.notify_one();
  }

  void respond(Connection& c, HttpResponse response, bool close) {
    close = close || response.close || stopping_;
    c.out += serializeResponse(response, close, c.headOnly);
    startWriting(c, close);
  }

  void startWriting(Connection& c, bool close) {
    c.phase = Phase::Writing;
    c.closeAfterWrite = close;
    c.writeDeadline = nowMs() + options_.writeTimeoutMs;
  }

  void startNextRequest(Connection& c) {
    c.parser.reset();
    c.phase = Phase::Reading;
    c.headOnly = false;
    c.requestStarted = false;
    c.idleDeadline = nowMs() + options_.idleTimeoutMs;
  }

  void drainCompletions() {
    std::deque<Completion> done;
    {
      std::lock_guard lock(completionsMutex_);
      done.swap(completions_);
    }
    for (Completion& d : done) {
      auto it = connections_.find(d.connection);
      if (it == connections_.end()) continue;
      Connection& c = *it->second;
      c.out += d.bytes;
      startWriting(c, d.close || stopping_);
      progress(c);
    }
  }

  void expireDeadlines() {
    const int64_t now = nowMs();
    std::vector<Connection*> expired;
    for (auto& [id, c] : connections_) {
      const bool reading = c->phase == Phase::Reading || c->phase == Phase::Handshake;
      const bool late =
          (reading && !c->requestStarted && now >= c->idleDeadline) ||
          (reading && c->requestStarted &&
           (now >= c->requestDeadline ||
            (c->parser.state() == HttpRequestParser::State::Head && now >= c->headDeadline))) ||
          (c->phase == Phase::Writing && now >= c->writeDeadline);
      if (late) expired.push_back(c.get());
    }
    for (Connection* c : expired) {
      ++stats_->timedOut;
      if (c->phase == Phase::Reading && c->requestStarted) {
        // Best effort, one non-blocking attempt: tell the client why, then close.
        c->out = serializeResponse(handler_.errorResponse(408, "the request took too long"), true, false);
        c->outPos = 0;
        std::size_t ignored = 0;
        c->channel->write(c->out, ignored);
      }
      close(*c);
    }
  }

  void closeIdleForStop() {
    std::vector<Connection*> idle;
    for (auto& [id, c] : connections_) {
      if (c->phase == Phase::Reading || c->phase == Phase::Handshake) idle.push_back(c.get());
    }
    for (Connection* c : idle) close(*c);
  }

  void wakeIo() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t ignored = ::write(wake_, &one, sizeof one);
  }

  // ---- workers ----

  /// One round of a worker: take a request (waiting up to 200 ms), handle it, hand the answer
  /// to the I/O thread.
  Status workRound() {
    Job job;
    {
      std::unique_lock lock(jobsMutex_);
      if (!jobsReady_.wait_for(lock, std::chrono::milliseconds(200),
                               [&] { return !urgent_.empty() || !ordinary_.empty(); })) {
        return Status::okStatus();
      }
      std::deque<Job>& from = urgent_.empty() ? ordinary_ : urgent_;
      job = std::move(from.front());
      from.pop_front();
    }
    HttpResponse response;
    try {
      response = handler_.handle(job.request);
    } catch (...) {  // the request is answered whatever the handler threw
      JsonLog::write(LogLevel::Error, "http_handler_failed", {{"error", describeCurrentException()}});
      response = handler_.errorResponse(500, "the request could not be handled");
    }
    const bool close = !job.keepAlive || response.close;
    std::string bytes = serializeResponse(response, close, job.request.method == "HEAD");
    {
      std::lock_guard lock(completionsMutex_);
      completions_.push_back({job.connection, std::move(bytes), close});
    }
    wakeIo();
    return Status::okStatus();
  }

  HttpServerOptions options_;
  HttpHandler& handler_;
  std::shared_ptr<HttpServerStats> stats_ = std::make_shared<HttpServerStats>();
  Poco::Net::ServerSocket listener_;
  int port_ = 0;
  int epoll_ = -1;
  int wake_ = -1;
  std::unique_ptr<SupervisedLoop> io_;
  std::vector<epoll_event> events_ = std::vector<epoll_event>(256);
  bool listening_ = true;  ///< I/O thread only
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> stopDeadline_{0};
  std::mutex drainMutex_;
  std::condition_variable drainedCv_;
  bool drained_ = false;
  uint64_t nextId_ = 2;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;  ///< I/O thread only
  std::map<std::string, int> perAddress_;                                  ///< I/O thread only

  std::vector<std::unique_ptr<SupervisedLoop>> workers_;
  std::mutex jobsMutex_;
  std::condition_variable jobsReady_;
  std::deque<Job> urgent_;    ///< from authenticated clients
  std::deque<Job> ordinary_;  ///< everything else
  std::mutex completionsMutex_;
  std::deque<Completion> completions_;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}
HttpServer::~HttpServer() = default;
Status HttpServer::start() { return impl_->start(); }
void HttpServer::stop(int64_t graceMs) { impl_->stop(graceMs); }
int HttpServer::port() const { return impl_->port(); }
std::shared_ptr<const HttpServerStats> HttpServer::stats() const { return impl_->stats(); }

}  // namespace renkei::net

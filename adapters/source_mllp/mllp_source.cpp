// MLLP source: the listener (a supervised accept loop), one thread per allowed connection with
// its deadlines (TLS handshake, idle between messages, a message's arrival, an ACK's writing),
// and the registration with its config.
#include "mllp_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "mllp_framing.h"
#include "mllp_message_handler.h"
#include "mllp_senders.h"
#include "renkei/core/json_log.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/net/server_tls.h"
#include "renkei/net/socket_channel.h"
#include "renkei/pipeline/group_commit_intake.h"

namespace renkei::embedded {
extern const std::string_view kMllpSourceSchema;
}

namespace renkei::adapters {
namespace {

constexpr int kTickMs = 250;  ///< how often a waiting thread looks whether the source stops

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Waits up to `ms` for `events` on `fd`.
void waitFor(int fd, short events, int64_t ms) {
  pollfd p{fd, events, 0};
  ::poll(&p, 1, static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(ms, kTickMs))));
}

struct MllpSourceOptions {
  std::string listen;
  bool tls = false;
  std::string certFile, keyFile, caFile;
  bool requireClientCert = false;
  std::string mapping = "auto";
  int64_t maxMessageBytes = 1 << 20;
  int maxConnections = 64;
  int64_t handshakeTimeoutMs = 10'000;
  int64_t idleTimeoutMs = 300'000;
  int64_t messageTimeoutMs = 30'000;
  int64_t writeTimeoutMs = 30'000;
};

class MllpSource : public pipeline::Source {
 public:
  MllpSource(std::string name, MllpSourceOptions options, MllpSenders senders,
             std::unique_ptr<pipeline::GroupCommitIntake> intake,
             std::shared_ptr<const mapping::MappingSet> mappings, std::shared_ptr<pipeline::Metrics> metrics)
      : name_(std::move(name)),
        options_(std::move(options)),
        senders_(std::move(senders)),
        intake_(std::move(intake)),
        metrics_(metrics),
        handler_(name_, options_.mapping, std::move(mappings), *intake_, metrics,
                 hl7v2::Limits{static_cast<std::size_t>(options_.maxMessageBytes)}) {}
  ~MllpSource() override { stop(); }

  Status start() override {
    if (options_.tls) {
      auto context = net::serverTlsContext({options_.certFile, options_.keyFile, options_.caFile,
                                            options_.requireClientCert   ? net::ClientCertificates::Require
                                            : senders_.anyCertificates() ? net::ClientCertificates::Ask
                                                                         : net::ClientCertificates::None,
                                            ""});
      if (!context.ok()) return Status::unavailable("source " + name_ + ": " + context.status().message());
      context_ = context.value();
    }
    try {
      listener_.bind(Poco::Net::SocketAddress(options_.listen), true, false);
      listener_.listen(128);
      listener_.setBlocking(false);
    } catch (const Poco::Exception& e) {
      return Status::unavailable("source " + name_ + ": cannot listen on " + options_.listen + ": " +
                                 e.displayText());
    }
    std::signal(SIGPIPE, SIG_IGN);  // a sender that went away must not kill the daemon
    running_ = true;
    acceptor_ = std::make_unique<SupervisedLoop>("source:" + name_ + ":accept",
                                                 metrics_ ? metrics_->health() : nullptr,
                                                 [this] { return acceptRound(); });
    acceptor_->start();
    JsonLog::write(LogLevel::Info, "mllp_listening",
                   {{"source", name_}, {"port", std::to_string(listener_.address().port())},
                    {"tls", options_.tls ? "on" : "off"}});
    return Status::okStatus();
  }

  void stop() override {
    if (!running_.exchange(false)) return;
    acceptor_->requestStop();
    acceptor_->join();
    listener_.close();
    std::lock_guard lock(mutex_);
    for (Worker& w : workers_) w.thread.join();  // each finishes its message and its ACK first
    workers_.clear();
  }

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };

  Status acceptRound() {
    reapFinished();
    waitFor(listener_.impl()->sockfd(), POLLIN, kTickMs);
    for (;;) {
      sockaddr_storage addr{};
      socklen_t length = sizeof addr;
      const int fd = accept4(listener_.impl()->sockfd(), reinterpret_cast<sockaddr*>(&addr), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return Status::okStatus();
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::lock_guard lock(mutex_);
      if (static_cast<int>(workers_.size()) >= options_.maxConnections) {
        ::close(fd);
        if (metrics_) metrics_->countIntake(name_, "connection_refused_full");
        continue;
      }
      auto done = std::make_shared<std::atomic<bool>>(false);
      workers_.push_back({std::thread([this, fd, peer = net::peerAddressText(addr), done] {
                            try {
                              serve(fd, peer);
                            } catch (...) {
                              JsonLog::write(LogLevel::Error, "mllp_connection_failed",
                                             {{"source", name_}, {"error", describeCurrentException()}});
                            }
                            done->store(true);
                          }),
                          done});
    }
  }

  void reapFinished() {
    std::lock_guard lock(mutex_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }

  /// One connection from accept to close.
  void serve(int fd, const std::string& peer) {
    net::SocketChannel channel(fd, options_.tls ? context_->sslContext() : nullptr);
    const int64_t handshakeDeadline = nowMs() + options_.handshakeTimeoutMs;
    for (;;) {
      const net::SocketChannel::Io io = channel.handshake();
      if (io == net::SocketChannel::Io::Done) break;
      if (io != net::SocketChannel::Io::WouldBlock || !running_ || nowMs() > handshakeDeadline) return;
      waitFor(fd, POLLIN | POLLOUT, handshakeDeadline - nowMs());
    }
    const std::vector<const MllpSender*> candidates =
        senders_.forConnection(peer, channel.peerCertificateSha256());
    if (candidates.empty()) {
      if (metrics_) metrics_->countIntake(name_, "connection_refused_sender");
      JsonLog::write(LogLevel::Warn, "mllp_connection_refused",
                     {{"source", name_}, {"address", peer}, {"reason", "no allowed sender matches"}});
      return;
    }
    MllpDecoder decoder(static_cast<std::size_t>(options_.maxMessageBytes));
    std::string bytes;
    std::vector<std::string> payloads;
    int64_t lastActivity = nowMs();
    int64_t messageStart = 0;
    while (running_) {
      bytes.clear();
      const net::SocketChannel::Io io = channel.read(bytes, 64 * 1024);
      if (io == net::SocketChannel::Io::Closed || io == net::SocketChannel::Io::Error) return;
      if (io == net::SocketChannel::Io::WouldBlock) {
        const int64_t now = nowMs();
        const int64_t deadline = decoder.inFrame() ? messageStart + options_.messageTimeoutMs
                                                   : lastActivity + options_.idleTimeoutMs;
        if (now >= deadline) {
          if (metrics_) metrics_->countIntake(name_, decoder.inFrame() ? "timeout_message" : "timeout_idle");
          return;
        }
        waitFor(fd, POLLIN, deadline - now);
        continue;
      }
      const bool wasInFrame = decoder.inFrame();
      Status fed = decoder.feed(bytes, payloads);
      lastActivity = nowMs();
      if (decoder.inFrame() && (!wasInFrame || !payloads.empty())) messageStart = lastActivity;
      for (const std::string& payload : payloads) {
        MllpAnswer answer = handler_.handle(payload, candidates);
        if (answer.ack.empty() || !writeAll(channel, mllpFrame(answer.ack))) return;
      }
      payloads.clear();
      if (!fed.ok()) {
        // Out of step with the sender: only a new connection can resync.
        if (writeAll(channel, mllpFrame(handler_.framingReject(fed.message())))) lingeringClose(channel);
        return;
      }
    }
  }

  /// Ends our side and discards what the sender still sends for a moment, so that the AR just
  /// written is read rather than lost to a reset (closing with unread input resets).
  static void lingeringClose(net::SocketChannel& channel) {
    channel.shutdown();
    ::shutdown(channel.fd(), SHUT_WR);
    const int64_t deadline = nowMs() + 1000;
    std::string discard;
    std::size_t total = 0;
    while (nowMs() < deadline && total < (4u << 20)) {
      discard.clear();
      const net::SocketChannel::Io io = channel.read(discard, 64 * 1024);
      total += discard.size();
      if (io == net::SocketChannel::Io::Closed || io == net::SocketChannel::Io::Error) return;
      if (io == net::SocketChannel::Io::WouldBlock) waitFor(channel.fd(), POLLIN, deadline - nowMs());
    }
  }

  bool writeAll(net::SocketChannel& channel, const std::string& data) {
    const int64_t deadline = nowMs() + options_.writeTimeoutMs;
    std::size_t at = 0;
    while (at < data.size()) {
      std::size_t written = 0;
      const net::SocketChannel::Io io = channel.write(std::string_view(data).substr(at), written);
      at += written;
      if (io == net::SocketChannel::Io::Closed || io == net::SocketChannel::Io::Error) return false;
      if (io == net::SocketChannel::Io::WouldBlock) {
        if (nowMs() >= deadline) return false;
        waitFor(channel.fd(), POLLOUT, deadline - nowMs());
      }
    }
    return true;
  }

  std::string name_;
  MllpSourceOptions options_;
  MllpSenders senders_;
  std::unique_ptr<pipeline::GroupCommitIntake> intake_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  MllpMessageHandler handler_;
  Poco::Net::Context::Ptr context_;
  Poco::Net::ServerSocket listener_;
  std::atomic<bool> running_{false};
  std::unique_ptr<SupervisedLoop> acceptor_;
  std::mutex mutex_;
  std::list<Worker> workers_;
};

}  // namespace

void registerMllpSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "mllp", embedded::kMllpSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        const rapidjson::Value& c = *ctx.config;
        MllpSourceOptions o;
        o.listen = pipeline::configString(c, "listen");
        auto tls = c.FindMember("tls");
        if (tls != c.MemberEnd()) {
          o.tls = true;
          o.certFile = pipeline::configString(tls->value, "cert_file");
          o.keyFile = pipeline::configString(tls->value, "key_file");
          o.caFile = pipeline::configString(tls->value, "ca_file");
          o.requireClientCert = pipeline::configBool(tls->value, "require_client_cert", false);
        }
        o.mapping = pipeline::configString(c, "mapping", o.mapping);
        o.maxMessageBytes = pipeline::configInt(c, "max_message_bytes", o.maxMessageBytes);
        o.maxConnections = static_cast<int>(pipeline::configInt(c, "max_connections", o.maxConnections));
        o.handshakeTimeoutMs = pipeline::configInt(c, "handshake_timeout_ms", o.handshakeTimeoutMs);
        o.idleTimeoutMs = pipeline::configInt(c, "idle_timeout_ms", o.idleTimeoutMs);
        o.messageTimeoutMs = pipeline::configInt(c, "message_timeout_ms", o.messageTimeoutMs);
        o.writeTimeoutMs = pipeline::configInt(c, "write_timeout_ms", o.writeTimeoutMs);
        if (!ctx.mappings) {
          return Status::invalidInput("source " + ctx.name + ": HL7 v2 needs mappings, and none are loaded");
        }
        if (o.mapping != "auto" && ctx.mappings->byId(o.mapping) == nullptr) {
          return Status::invalidInput("source " + ctx.name + ": no mapping '" + o.mapping + "' is loaded");
        }
        auto senders = MllpSenders::fromConfig(c["senders"]);
        if (!senders.ok()) return Status::invalidInput("source " + ctx.name + ": " + senders.status().message());
        if (senders->anyCertificates() && (!o.tls || o.caFile.empty())) {
          return Status::invalidInput("source " + ctx.name +
                                      ": senders with certificate_sha256 need tls.ca_file to verify them");
        }
        // One thread per connection, each waiting for its commit: group them into one transaction.
        auto intake = std::make_unique<pipeline::GroupCommitIntake>(*ctx.intake,
                                                                    static_cast<std::size_t>(o.maxConnections));
        return std::shared_ptr<pipeline::Source>(std::make_shared<MllpSource>(
            ctx.name, std::move(o), std::move(senders).value(), std::move(intake), ctx.mappings, ctx.metrics));
      });
}

}  // namespace renkei::adapters

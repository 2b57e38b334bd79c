// One accepted connection's non-blocking byte channel: a plain TCP socket, or TLS on it through
// OpenSSL with the SSL_CTX that POCO's Context built from the configuration (certificates, CA,
// client-certificate verification, minimum protocol).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

struct sockaddr_storage;

namespace renkei::net {

/// The numeric text of an accepted peer's IPv4 or IPv6 address ("" for another family).
std::string peerAddressText(const sockaddr_storage& address);

class SocketChannel {
 public:
  enum class Io { Done, WouldBlock, Closed, Error };

  /// Takes ownership of `fd` (non-blocking); with `tls` non-null, speaks TLS as the server.
  SocketChannel(int fd, SSL_CTX* tls);
  ~SocketChannel();
  SocketChannel(const SocketChannel&) = delete;
  SocketChannel& operator=(const SocketChannel&) = delete;

  int fd() const { return fd_; }
  bool secure() const { return ssl_ != nullptr; }
  /// Progresses the TLS handshake (Done at once for plain TCP).
  Io handshake();
  /// Appends what can be read now (at most `max` bytes) to `into`: Done when bytes were read.
  Io read(std::string& into, std::size_t max);
  /// Writes as much of `data` as the socket takes now; `written` says how much.
  Io write(std::string_view data, std::size_t& written);
  /// SHA-256 (lower-case hex) of the client certificate verified in the handshake, or "".
  std::string peerCertificateSha256() const;
  /// A best-effort TLS close_notify; the descriptor is closed by the destructor.
  void shutdown();

 private:
  Io sslResult(int ret);

  int fd_;
  SSL* ssl_ = nullptr;
};

}  // namespace renkei::net

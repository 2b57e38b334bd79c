// Non-blocking reads and writes on plain TCP or TLS (OpenSSL), for the event-driven server.
#include "renkei/net/socket_channel.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace renkei::net {

std::string peerAddressText(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text, sizeof text);
  }
  return text;
}

SocketChannel::SocketChannel(int fd, SSL_CTX* tls) : fd_(fd) {
  if (tls == nullptr) return;
  ssl_ = SSL_new(tls);
  if (ssl_ == nullptr) return;
  SSL_set_fd(ssl_, fd_);
  SSL_set_accept_state(ssl_);
  SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
}

SocketChannel::~SocketChannel() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ::close(fd_);
}

SocketChannel::Io SocketChannel::sslResult(int ret) {
  const int error = SSL_get_error(ssl_, ret);
  ERR_clear_error();
  switch (error) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Io::WouldBlock;
    case SSL_ERROR_ZERO_RETURN:
      return Io::Closed;
    default:
      return Io::Error;
  }
}

SocketChannel::Io SocketChannel::handshake() {
  if (ssl_ == nullptr) return Io::Done;
  const int ret = SSL_do_handshake(ssl_);
  return ret == 1 ? Io::Done : sslResult(ret);
}

SocketChannel::Io SocketChannel::read(std::string& into, std::size_t max) {
  const std::size_t before = into.size();
  into.resize(before + max);
  ssize_t n = 0;
  Io result = Io::Done;
  if (ssl_ != nullptr) {
    const int ret = SSL_read(ssl_, into.data() + before, static_cast<int>(max));
    if (ret > 0) {
      n = ret;
    } else {
      result = sslResult(ret);
    }
  } else {
    do {
      n = ::recv(fd_, into.data() + before, max, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) result = Io::Closed;
    if (n < 0) result = errno == EAGAIN || errno == EWOULDBLOCK ? Io::WouldBlock : Io::Error;
  }
  into.resize(before + static_cast<std::size_t>(n > 0 ? n : 0));
  return result;
}

SocketChannel::Io SocketChannel::write(std::string_view data, std::size_t& written) {
  written = 0;
  if (data.empty()) return Io::Done;
  if (ssl_ != nullptr) {
    const int ret = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (ret <= 0) return sslResult(ret);
    written = static_cast<std::size_t>(ret);
    return Io::Done;
  }
  ssize_t n = 0;
  do {
    n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? Io::WouldBlock : Io::Error;
  written = static_cast<std::size_t>(n);
  return Io::Done;
}

std::string SocketChannel::peerCertificateSha256() const {
  if (ssl_ == nullptr) return "";
  X509* cert = SSL_get_peer_certificate(ssl_);
  if (cert == nullptr) return "";
  std::string hex;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (SSL_get_verify_result(ssl_) == X509_V_OK &&
      X509_digest(cert, EVP_sha256(), digest, &length) == 1) {
    static const char* kHex = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 0xf];
    }
  }
  X509_free(cert);
  return hex;
}

void SocketChannel::shutdown() {
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_)) {
    SSL_shutdown(ssl_);
    ERR_clear_error();
  }
}

}  // namespace renkei::net

// HTTP/1.1 requests and responses as the event-driven server hands them to its handler: a
// request whose head was read and checked strictly, with its body once the handler admitted it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renkei::net {

struct HttpRequest {
  std::string method;
  std::string target;  ///< as sent: path and query
  std::string path;    ///< target up to '?'
  std::string query;   ///< after '?', undecoded
  int minorVersion = 1;  ///< HTTP/1.<minorVersion>
  /// Header fields in arrival order, names lower-cased, values trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string peerAddress;  ///< the client's IP address (no port)
  /// SHA-256 (lower-case hex) of the TLS client certificate the handshake verified; "" if none.
  std::string clientCertificateSha256;

  /// The first value of a header (lower-case name), or "".
  std::string_view header(std::string_view lowerName) const;
  bool hasHeader(std::string_view lowerName) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  ///< besides length and connection
  std::string body;
  std::string contentType;  ///< omitted when empty
  bool close = false;       ///< close the connection after this response

  HttpResponse() = default;
  HttpResponse(int statusCode, std::string text, std::string type = "text/plain; charset=utf-8")
      : status(statusCode), body(std::move(text)), contentType(std::move(type)) {}
};

/// The reason phrase of a status code ("Not Found"), or "Unknown".
std::string_view reasonPhrase(int status);

/// The bytes of a response: status line, headers, Date, Content-Length, Connection: close when
/// `close`, and the body unless `headOnly`.
std::string serializeResponse(const HttpResponse& response, bool close, bool headOnly);

}  // namespace renkei::net

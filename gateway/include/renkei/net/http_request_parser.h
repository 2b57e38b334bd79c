// An incremental, strict HTTP/1.1 request parser for a non-blocking server: bytes arrive in any
// pieces; the head is parsed once complete, then the body (Content-Length or chunked) is
// collected only after the server decided to read it. Strict where leniency is an attack:
// header lines end with CRLF (a bare LF is an error), no obsolete line folding, no whitespace
// before the colon, one Authorization / Host / Content-Length / Transfer-Encoding at most, never
// both Content-Length and Transfer-Encoding, and size limits on the head and the body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "renkei/net/http_message.h"

namespace renkei::net {

struct HttpLimits {
  std::size_t maxHeadBytes = 16 * 1024;  ///< request line and header fields
  std::size_t maxHeaderCount = 100;
  int64_t maxBodyBytes = 32 << 20;
};

class HttpRequestParser {
 public:
  enum class State {
    Head,      ///< the head is not complete yet
    HeadDone,  ///< request() has method, target and headers; call startBody() or stop here
    Body,      ///< collecting the body
    Done,      ///< the whole request is in request()
    Error,     ///< errorStatus() / errorText() say why; the connection must be closed
  };

  explicit HttpRequestParser(HttpLimits limits) : limits_(limits) {}

  /// Consumes bytes from `data`; returns how many were used (the rest belongs to a later
  /// request on the same connection or to the body once startBody() is called).
  std::size_t feed(std::string_view data);
  /// After HeadDone: go on to read the body (or straight to Done when there is none).
  void startBody();
  /// Whether the head announced a body (Content-Length > 0 or chunked).
  bool expectsBody() const { return chunked_ || contentLength_ > 0; }
  /// Whether the client asked for "100 Continue" before sending its body.
  bool expectsContinue() const { return expectContinue_; }
  /// Whether the connection may serve another request after this one.
  bool keepAlive() const { return keepAlive_; }

  State state() const { return state_; }
  int errorStatus() const { return errorStatus_; }
  const std::string& errorText() const { return errorText_; }
  HttpRequest& request() { return request_; }
  /// Ready for the next request on the connection.
  void reset();

 private:
  std::size_t feedHead(std::string_view data);
  std::size_t feedChunked(std::string_view data);
  void parseHead();
  bool parseRequestLine(std::string_view line);
  bool interpretHeaders();
  void fail(int status, std::string text);

  HttpLimits limits_;
  State state_ = State::Head;
  std::string head_;
  HttpRequest request_;
  int64_t contentLength_ = 0;
  bool chunked_ = false;
  bool expectContinue_ = false;
  bool keepAlive_ = true;
  // chunked decoding
  enum class ChunkPart { Size, Data, DataEnd, Trailer };
  ChunkPart chunkPart_ = ChunkPart::Size;
  std::string chunkLine_;
  int64_t chunkLeft_ = 0;
  int errorStatus_ = 0;
  std::string errorText_;
};

}  // namespace renkei::net

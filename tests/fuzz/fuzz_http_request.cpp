// Fuzz target: bytes from a client connection, fed to the strict HTTP/1.1 request parser in
// pieces whose sizes the input chooses. Whatever the bytes, the parser must end in a state it
// can explain (an error has a 4xx/5xx status), never read past its limits, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "renkei/net/http_request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  renkei::net::HttpLimits limits;
  limits.maxHeadBytes = 4096;
  limits.maxBodyBytes = 64 * 1024;
  renkei::net::HttpRequestParser parser(limits);
  const std::size_t piece = 1 + data[0] % 64;  // the first byte picks the read size
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  int requests = 0;
  for (std::size_t guard = 0; !rest.empty() && requests < 64 && guard <= size; ++guard) {
    const std::string_view chunk = rest.substr(0, piece);
    std::size_t used = parser.feed(chunk);
    using State = renkei::net::HttpRequestParser::State;
    if (parser.state() == State::HeadDone) {
      parser.startBody();
      used += parser.feed(chunk.substr(used));
    }
    if (parser.state() == State::Error) {
      if (parser.errorStatus() < 400 || parser.errorText().empty()) __builtin_trap();
      return 0;
    }
    if (parser.state() == State::Done) {
      if (static_cast<int64_t>(parser.request().body.size()) > limits.maxBodyBytes) __builtin_trap();
      parser.reset();
      ++requests;
    }
    if (used > chunk.size()) __builtin_trap();
    rest.remove_prefix(used == 0 && parser.state() != State::Head ? chunk.size() : used);
  }
  return 0;
}

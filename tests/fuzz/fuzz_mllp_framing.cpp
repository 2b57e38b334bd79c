// Fuzz target: bytes an MLLP client sends. Whatever arrives, the decoder yields payloads within
// its limit or fails with a reason, never crashes; decoding the bytes whole or in pieces of any
// size gives the same payloads; and every payload framed again decodes to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "source_mllp/mllp_framing.h"

namespace {

constexpr std::size_t kLimit = 4096;

renkei::Status decode(std::string_view bytes, std::size_t piece, std::vector<std::string>& out) {
  renkei::adapters::MllpDecoder decoder(kLimit);
  renkei::Status last;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    last = decoder.feed(bytes.substr(at, piece), out);
    if (!last.ok()) break;
  }
  return last;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 17;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> whole, pieces;
  const renkei::Status a = decode(bytes, bytes.size() + 1, whole);
  const renkei::Status b = decode(bytes, piece, pieces);
  if (a.ok() != b.ok() || whole != pieces) __builtin_trap();
  if (!a.ok() && a.message().empty()) __builtin_trap();
  for (const std::string& p : whole) {
    if (p.size() > kLimit) __builtin_trap();
    std::vector<std::string> again;
    if (!decode(renkei::adapters::mllpFrame(p), 5, again).ok() || again.size() != 1 || again[0] != p) {
      __builtin_trap();
    }
  }
  return 0;
}

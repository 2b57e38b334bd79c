// MLLP (HL7's Minimal Lower Layer Protocol) framing: each message travels as <VT> payload <FS><CR>.
// The decoder takes bytes as they arrive and yields whole payloads; whitespace between frames is
// tolerated, anything else outside a frame or a payload over the size limit is a framing error
// after which the connection cannot be trusted to be in step and is closed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::adapters {

inline constexpr char kMllpStart = '\x0b';
inline constexpr char kMllpEnd = '\x1c';
inline constexpr char kMllpTrailer = '\x0d';

/// `payload` framed for the wire.
std::string mllpFrame(std::string_view payload);

class MllpDecoder {
 public:
  explicit MllpDecoder(std::size_t maxPayloadBytes) : maxPayload_(maxPayloadBytes) {}

  /// Appends the complete payloads found in `bytes` to `out`. InvalidInput for bytes outside a
  /// frame, TooLarge for a payload over the limit; after an error the decoder stays failed.
  Status feed(std::string_view bytes, std::vector<std::string>& out);
  /// A frame has begun and not ended (bytes of a message are pending).
  bool inFrame() const { return state_ != State::Between; }

 private:
  enum class State { Between, Payload, Failed };
  std::size_t maxPayload_;
  State state_ = State::Between;
  std::string payload_;
  Status failure_;
};

}  // namespace renkei::adapters

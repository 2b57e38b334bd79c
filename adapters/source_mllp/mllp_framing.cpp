// MLLP framing: the frame writer and the incremental decoder (see mllp_framing.h).
#include "mllp_framing.h"

namespace renkei::adapters {

std::string mllpFrame(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 3);
  out += kMllpStart;
  out += payload;
  out += kMllpEnd;
  out += kMllpTrailer;
  return out;
}

Status MllpDecoder::feed(std::string_view bytes, std::vector<std::string>& out) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    switch (state_) {
      case State::Failed:
        return failure_;
      case State::Between: {
        const char c = bytes[i++];
        if (c == kMllpStart) {
          state_ = State::Payload;
          payload_.clear();
        } else if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
          state_ = State::Failed;
          failure_ = Status::invalidInput("bytes outside an MLLP frame (a frame starts with 0x0B)");
        }
        break;
      }
      case State::Payload: {
        const std::size_t end = bytes.find(kMllpEnd, i);
        const std::size_t take = (end == std::string_view::npos ? bytes.size() : end) - i;
        if (payload_.size() + take > maxPayload_) {
          state_ = State::Failed;
          failure_ = Status::tooLarge("an MLLP message over the limit of " + std::to_string(maxPayload_) +
                                      " bytes");
          break;
        }
        payload_.append(bytes.substr(i, take));
        i += take;
        if (end != std::string_view::npos) {
          // The message is complete at the end block: a sender that leaves out the trailing CR
          // (which Between skips when it comes) waits for its ACK, not for a next byte.
          ++i;
          out.push_back(std::move(payload_));
          payload_.clear();
          state_ = State::Between;
        }
        break;
      }
    }
  }
  return state_ == State::Failed ? failure_ : Status::okStatus();
}

}  // namespace renkei::adapters

// Milliseconds of the monotonic clock: for "how long since" (cache checks, deadlines), never for
// dates.
#pragma once

#include <chrono>
#include <cstdint>

namespace renkei {

inline int64_t steadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace renkei

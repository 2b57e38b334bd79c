// When to try a failed delivery again: exponential backoff with full jitter, capped, honouring a
// receiver's Retry-After (within the cap); optionally a maximum number of attempts.
#pragma once

#include <cstdint>
#include <optional>

namespace renkei::pipeline {

struct RetryPolicy {
  int64_t initialMs = 1000;
  int64_t maxMs = 300000;
  double multiplier = 2.0;
  double jitter = 0.2;  ///< ± fraction of the computed delay
  int maxAttempts = 0;  ///< 0: retry forever (a delivery that keeps failing stays visible)

  /// Delay before attempt `attempts + 1` after `attempts` failed ones; `unit` in [0, 1) is the
  /// random draw (injected so tests are deterministic).
  int64_t delayMs(int attempts, std::optional<int64_t> retryAfterMs, double unit) const;
  bool exhausted(int attempts) const { return maxAttempts > 0 && attempts >= maxAttempts; }
};

}  // namespace renkei::pipeline

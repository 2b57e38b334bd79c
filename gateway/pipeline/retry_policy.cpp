// Backoff arithmetic for RetryPolicy.
#include "renkei/pipeline/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "renkei/pipeline/sink.h"

namespace renkei::pipeline {

int64_t RetryPolicy::delayMs(int attempts, std::optional<int64_t> retryAfterMs,
                             double unit) const {
  if (retryAfterMs && *retryAfterMs >= 0) return std::min(*retryAfterMs, maxMs);
  const double base =
      static_cast<double>(initialMs) * std::pow(multiplier, std::max(0, attempts - 1));
  const double capped = std::min(base, static_cast<double>(maxMs));
  const double factor = 1.0 + jitter * (2.0 * unit - 1.0);
  return std::clamp<int64_t>(static_cast<int64_t>(capped * factor), 1, maxMs);
}

Outcome classifyHttpStatus(int status) {
  if (status >= 200 && status < 300) return Outcome::Delivered;
  if (status == 408 || status == 429 || (status >= 500 && status != 501)) return Outcome::Retry;
  return Outcome::Reject;
}

}  // namespace renkei::pipeline

// Times as text: a UTC instant as FHIR writes it, and the local calendar date.
#pragma once

#include <cstdint>
#include <string>

namespace renkei {

/// "2026-12-06T02:30:00.123Z" for milliseconds since the epoch.
std::string utcInstant(int64_t ms);
/// Today's local date, "2026-12-06".
std::string localDate();

}  // namespace renkei

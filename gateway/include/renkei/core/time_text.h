// Times as text: a UTC instant as FHIR writes it, and the local calendar date.
#pragma once

#include <cstdint>
#include <string>

namespace renkei {

/// "2026-12-06T02:30:00.123Z" for milliseconds since the epoch.
std::string utcInstant(int64_t ms);
/// Today's local date, "2026-12-06".
std::string localDate();
/// The local date at `ms` since the epoch.
std::string localDateAt(int64_t ms);
/// The local date and time at `ms` since the epoch, "2026-12-06 11:30:00".
std::string localDateTimeAt(int64_t ms);
/// The first time after `nowMs` at which the local clock reads `minuteOfDay` (0 … 1439).
int64_t nextLocalTime(int64_t nowMs, int minuteOfDay);

}  // namespace renkei

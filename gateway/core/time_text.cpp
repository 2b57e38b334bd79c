// Times as text (see time_text.h).
#include "renkei/core/time_text.h"

#include <cstdio>
#include <ctime>

namespace renkei {

std::string utcInstant(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
  return std::string(text) + millis;
}

std::string localDate() { return localDateAt(static_cast<int64_t>(std::time(nullptr)) * 1000); }

std::string localDateAt(int64_t ms) { return localDateTimeAt(ms).substr(0, 10); }

std::string localDateTimeAt(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

int64_t nextLocalTime(int64_t nowMs, int minuteOfDay) {
  const std::time_t now = static_cast<std::time_t>(nowMs / 1000);
  for (int day = 0; day < 3; ++day) {
    std::tm tm{};
    localtime_r(&now, &tm);
    tm.tm_mday += day;
    tm.tm_hour = minuteOfDay / 60;
    tm.tm_min = minuteOfDay % 60;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    const int64_t at = static_cast<int64_t>(std::mktime(&tm)) * 1000;
    if (at > nowMs) return at;
  }
  return nowMs + 24LL * 3600 * 1000;
}

}  // namespace renkei

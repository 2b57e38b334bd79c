// JsonLog: timestamped JSON lines with escaped fields, serialized by one mutex.
#include "renkei/core/json_log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

namespace renkei {
namespace {

std::mutex g_mutex;
std::ostream* g_out = &std::cerr;
LogLevel g_level = LogLevel::Info;

void escaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

const char* levelName(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

}  // namespace

void JsonLog::setOutput(std::ostream* out) {
  std::lock_guard lock(g_mutex);
  g_out = out;
}

void JsonLog::setLevel(LogLevel level) {
  std::lock_guard lock(g_mutex);
  g_level = level;
}

void JsonLog::write(LogLevel level, std::string_view event, std::initializer_list<Field> fields) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[96];  // room for any int the format could print
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000));
  std::string line = "{\"ts\":\"";
  line += ts;
  line += "\",\"level\":\"";
  line += levelName(level);
  line += "\",\"event\":\"";
  escaped(line, event);
  line += '"';
  for (const Field& f : fields) {
    line += ",\"";
    escaped(line, f.first);
    line += "\":\"";
    escaped(line, f.second);
    line += '"';
  }
  line += "}\n";
  std::lock_guard lock(g_mutex);
  if (level < g_level || g_out == nullptr) return;
  *g_out << line << std::flush;
}

}  // namespace renkei

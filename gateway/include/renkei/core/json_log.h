// JSON-lines logging. Callers pass only operational fields (ids, names of sources and
// destinations, states, counts, error classes): never names, birth dates, identifiers or
// message content. Thread-safe; one line per event.
#pragma once

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace renkei {

enum class LogLevel { Debug, Info, Warn, Error };

class JsonLog {
 public:
  using Field = std::pair<std::string_view, std::string>;
  static void setOutput(std::ostream* out);
  static void setLevel(LogLevel level);
  static void write(LogLevel level, std::string_view event, std::initializer_list<Field> fields);
};

}  // namespace renkei

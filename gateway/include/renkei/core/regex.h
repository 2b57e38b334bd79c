// Regular expressions from outside input (profiles, FHIRPath, config) on ICU's engine, which
// has a time limit: a pathological pattern fails with an error instead of hanging the gateway.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei {

class Regex {
 public:
  struct Compiled;  ///< the ICU pattern and its free matchers; kept out of this header
  struct Options {
    bool dotMatchesNewline = false;  ///< '.' also matches line ends (FHIRPath's single-line mode)
  };
  /// Compiles `pattern` (ICU syntax, a superset of the XML Schema regexes FHIR uses).
  static Result<Regex> compile(std::string_view pattern, Options options);
  static Result<Regex> compile(std::string_view pattern) { return compile(pattern, Options{}); }

  /// True when the whole of `text` matches; Unavailable when the time limit was hit.
  Result<bool> fullMatch(std::string_view text) const;
  /// True when some part of `text` matches.
  Result<bool> find(std::string_view text) const;
  /// Replaces every match with `replacement` ($1 refers to groups).
  Result<std::string> replaceAll(std::string_view text, std::string_view replacement) const;

  const std::string& source() const { return source_; }

  /// Work limit per match, in ICU time-limit units (roughly milliseconds).
  static constexpr int32_t kTimeLimit = 200;

 private:
  Regex(std::string source, std::shared_ptr<const Compiled> compiled)
      : source_(std::move(source)), compiled_(std::move(compiled)) {}
  std::string source_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace renkei

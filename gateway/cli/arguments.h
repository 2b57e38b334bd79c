// Minimal argument parsing for subcommands: --flag, --option VALUE (repeatable), positionals,
// and the declaration of what a subcommand accepts together with its usage text.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::cli {

/// What a subcommand accepts and how to use it. `usage` starts with the synopsis ("usage:
/// renkei …" lines), then a blank line and what each option does; `--help` prints all of it,
/// a usage error the synopsis only. `--help` and `-h` are accepted by every command.
struct CommandSpec {
  std::string usage;
  std::set<std::string> valued;  ///< options that take a value: --name VALUE or --name=VALUE
  std::set<std::string> flags;   ///< options that take none: --name

  /// The usage text up to its first blank line.
  std::string synopsis() const;
};

/// True when an argument from `first` on, before any "--", is --help or -h.
bool asksForHelp(int argc, char** argv, int first);

class Arguments {
 public:
  /// Options named in `spec` are accepted; anything else starting with "--" fails. --help and
  /// -h (before any "--") set helpRequested() instead of being positionals.
  static Result<Arguments> parse(int argc, char** argv, int first, const CommandSpec& spec);

  bool helpRequested() const { return help_; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  /// The option as a whole number of at least `min`, or `fallback` when it is absent.
  Result<int64_t> integer(const std::string& name, int64_t fallback, int64_t min = 0) const;

 private:
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positionals_;
  bool help_ = false;
};

}  // namespace renkei::cli

// Minimal argument parsing for subcommands: --flag, --option VALUE (repeatable), positionals.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::cli {

class Arguments {
 public:
  /// `valued` options take a value; `flags` take none. Anything else starting with "--" fails.
  static Result<Arguments> parse(int argc, char** argv, int first, const std::set<std::string>& valued,
                                 const std::set<std::string>& flags);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positionals_;
};

}  // namespace renkei::cli

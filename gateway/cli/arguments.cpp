// Subcommand argument parsing and usage text.
#include "arguments.h"

#include <cerrno>
#include <cstdlib>

namespace renkei::cli {

std::string CommandSpec::synopsis() const {
  std::size_t end = usage.find("\n\n");
  return end == std::string::npos ? usage : usage.substr(0, end + 1);
}

bool asksForHelp(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

Result<Arguments> Arguments::parse(int argc, char** argv, int first, const CommandSpec& spec) {
  Arguments a;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) a.positionals_.emplace_back(argv[i]);
      break;
    }
    if (arg == "--help" || arg == "-h") {
      a.help_ = true;
      continue;
    }
    if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      std::string name = arg.substr(2);
      std::string value;
      bool inlineValue = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inlineValue = true;
      }
      if (spec.valued.count(name)) {
        if (!inlineValue) {
          if (i + 1 >= argc) return Status::invalidInput("--" + name + " needs a value");
          value = argv[++i];
        }
        a.values_.emplace(name, value);
      } else if (spec.flags.count(name) && !inlineValue) {
        a.values_.emplace(name, "true");
      } else if (spec.flags.count(name)) {
        return Status::invalidInput("--" + name + " takes no value");
      } else {
        return Status::invalidInput("unknown option --" + name);
      }
      continue;
    }
    a.positionals_.push_back(arg);
  }
  return a;
}

std::string Arguments::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::vector<std::string> Arguments::all(const std::string& name) const {
  std::vector<std::string> out;
  auto [lo, hi] = values_.equal_range(name);
  for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  return out;
}

Result<int64_t> Arguments::integer(const std::string& name, int64_t fallback, int64_t min) const {
  if (!has(name)) return fallback;
  const std::string text = get(name);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < min) {
    return Status::invalidInput("--" + name + " needs a whole number of at least " +
                                std::to_string(min) + ", not '" + text + "'");
  }
  return static_cast<int64_t>(value);
}

}  // namespace renkei::cli

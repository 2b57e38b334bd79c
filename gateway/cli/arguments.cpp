// Subcommand argument parsing.
#include "arguments.h"

namespace renkei::cli {

Result<Arguments> Arguments::parse(int argc, char** argv, int first,
                                   const std::set<std::string>& valued,
                                   const std::set<std::string>& flags) {
  Arguments a;
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      for (++i; i < argc; ++i) a.positionals_.emplace_back(argv[i]);
      break;
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
      if (valued.count(name)) {
        if (!inlineValue) {
          if (i + 1 >= argc) return Status::invalidInput("--" + name + " needs a value");
          value = argv[++i];
        }
        a.values_.emplace(name, value);
      } else if (flags.count(name) && !inlineValue) {
        a.values_.emplace(name, "true");
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

}  // namespace renkei::cli

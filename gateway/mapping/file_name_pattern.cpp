// File-name patterns: parsing, matching with captures (backtracking over a few parts of a name
// of at most a few hundred bytes) and rendering.
#include "renkei/mapping/file_name_pattern.h"

#include <cctype>

namespace renkei::mapping {
namespace {

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

/// Length of the UTF-8 character opening `s` (1 for a stray byte).
std::size_t charLength(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  return n <= s.size() ? n : 1;
}

}  // namespace

Result<FileNamePattern> FileNamePattern::parse(std::string_view text) {
  FileNamePattern p;
  p.text_ = std::string(text);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '{') {
      const std::size_t close = text.find('}', i);
      if (close == std::string_view::npos) return Status::invalidInput("'{' without '}'");
      const std::string name(text.substr(i + 1, close - i - 1));
      bool valid = !name.empty();
      for (char n : name) valid = valid && isNameChar(n);
      if (!valid) return Status::invalidInput("'{" + name + "}' is not a placeholder name (letters, digits, _)");
      p.parts_.push_back({Part::Placeholder, name});
      p.names_.push_back(name);
      i = close + 1;
    } else if (c == '*' || c == '?') {
      p.parts_.push_back({c == '*' ? Part::AnyRun : Part::AnyOne, ""});
      p.wildcards_ = true;
      ++i;
    } else {
      if (p.parts_.empty() || p.parts_.back().kind != Part::Literal) p.parts_.push_back({Part::Literal, ""});
      p.parts_.back().text += c;
      ++i;
    }
  }
  for (std::size_t i = 1; i < p.parts_.size(); ++i) {
    const bool open = p.parts_[i].kind == Part::Placeholder || p.parts_[i].kind == Part::AnyRun;
    const bool before = p.parts_[i - 1].kind == Part::Placeholder || p.parts_[i - 1].kind == Part::AnyRun;
    if (open && before) return Status::invalidInput("two placeholders or '*' side by side cannot be told apart");
  }
  return p;
}

bool FileNamePattern::matchFrom(std::size_t index, std::string_view rest,
                                std::map<std::string, std::string>& out) const {
  if (index == parts_.size()) return rest.empty();
  const Part& part = parts_[index];
  switch (part.kind) {
    case Part::Literal: {
      if (rest.size() < part.text.size()) return false;
      for (std::size_t i = 0; i < part.text.size(); ++i) {
        if (lower(rest[i]) != lower(part.text[i])) return false;
      }
      return matchFrom(index + 1, rest.substr(part.text.size()), out);
    }
    case Part::AnyOne:
      return !rest.empty() && matchFrom(index + 1, rest.substr(charLength(rest)), out);
    case Part::AnyRun:
    case Part::Placeholder: {
      const bool capture = part.kind == Part::Placeholder;
      for (std::size_t n = capture ? 1 : 0; n <= rest.size(); ++n) {
        if (capture && rest[n - 1] == '_') return false;
        if (matchFrom(index + 1, rest.substr(n), out)) {
          if (capture) out[part.text] = std::string(rest.substr(0, n));
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

std::optional<std::map<std::string, std::string>> FileNamePattern::match(std::string_view fileName) const {
  std::map<std::string, std::string> out;
  if (!matchFrom(0, fileName, out)) return std::nullopt;
  return out;
}

Result<std::string> FileNamePattern::render(const std::map<std::string, std::string>& values) const {
  if (wildcards_) return Status::invalidInput("the file-name pattern '" + text_ + "' has wildcards: it cannot name a file");
  std::string out;
  for (const Part& part : parts_) {
    if (part.kind == Part::Literal) {
      out += part.text;
      continue;
    }
    auto it = values.find(part.text);
    if (it == values.end() || it->second.empty()) {
      return Status::invalidInput("the file name needs {" + part.text + "}, which has no value");
    }
    for (char c : it->second) {
      if (c == '_' || c == '/' || static_cast<unsigned char>(c) < 0x20) {
        return Status::invalidInput("{" + part.text + "} cannot go into a file name (it holds '_', '/' or a control character)");
      }
    }
    out += it->second;
  }
  return out;
}

}  // namespace renkei::mapping

// File-name patterns of a layout: the care-plan standard puts the sender, the receiver, the month
// and a timestamp in the file name (UP1KYO_<office>_<type>_<office>_<type>_<YYYYMMDDHHMMSS>.CSV),
// so a pattern both recognises a name and reads its parts, and renders a name from values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"

namespace renkei::mapping {

/// A pattern of literal text (ASCII case-insensitive), `*` (any run, also empty), `?` (any one
/// character) and `{name}` (a non-empty run without `_`, captured under that name).
class FileNamePattern {
 public:
  /// InvalidInput for an unclosed `{`, an empty or invalid name (letters, digits, `_`), or two
  /// placeholders or wildcards next to each other (their split would be ambiguous).
  static Result<FileNamePattern> parse(std::string_view text);

  /// The captured parts when the whole `fileName` matches, nullopt otherwise.
  std::optional<std::map<std::string, std::string>> match(std::string_view fileName) const;
  /// The pattern with each {name} replaced by its value; InvalidInput naming a placeholder without
  /// a value or a value holding `_`, `/` or a control character, and for patterns with wildcards.
  Result<std::string> render(const std::map<std::string, std::string>& values) const;

  const std::string& text() const { return text_; }
  const std::vector<std::string>& names() const { return names_; }
  bool hasWildcards() const { return wildcards_; }

 private:
  struct Part {
    enum Kind { Literal, Placeholder, AnyRun, AnyOne } kind;
    std::string text;  ///< the literal, or the placeholder's name
  };
  bool matchFrom(std::size_t part, std::string_view rest, std::map<std::string, std::string>& out) const;

  std::string text_;
  std::vector<Part> parts_;
  std::vector<std::string> names_;
  bool wildcards_ = false;
};

}  // namespace renkei::mapping

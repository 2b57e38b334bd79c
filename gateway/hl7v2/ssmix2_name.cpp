// Splitting an SS-MIX2 file name into its parts (see ssmix2_name.h).
#include "renkei/hl7v2/ssmix2_name.h"

namespace renkei::hl7v2 {

std::optional<std::array<std::string_view, 7>> ssmix2NameParts(std::string_view path) {
  std::string_view name = path.substr(path.find_last_of('/') + 1);
  std::array<std::string_view, 7> parts;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t underscore = name.find('_');
    if ((underscore == std::string_view::npos) != (i + 1 == parts.size())) return std::nullopt;
    parts[i] = name.substr(0, underscore);
    if (underscore != std::string_view::npos) name.remove_prefix(underscore + 1);
  }
  const std::string_view time = parts[4];
  if (time.size() != 17 || time.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  if (parts[2].empty() || parts[6].size() != 1) return std::nullopt;
  return parts;
}

}  // namespace renkei::hl7v2

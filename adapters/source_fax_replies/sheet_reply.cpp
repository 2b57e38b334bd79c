// The reply code of a Renkei fax sheet (see sheet_reply.h).
#include "sheet_reply.h"

namespace renkei::adapters {

std::optional<SheetReply> sheetReply(const std::string& code) {
  constexpr std::string_view kPrefix = "renkei:";
  if (code.rfind(kPrefix, 0) != 0) return std::nullopt;
  const std::size_t colon = code.find(':', kPrefix.size());
  if (colon == std::string::npos || colon == kPrefix.size() || colon + 1 >= code.size()) return std::nullopt;
  return SheetReply{code.substr(kPrefix.size(), colon - kPrefix.size()), code.substr(colon + 1)};
}

}  // namespace renkei::adapters

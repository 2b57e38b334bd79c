// The reply a Renkei fax sheet carries in its QR code: "renkei:<reply token>:<form id>"
// (see adapters/sink_fax_sheet).
#pragma once

#include <optional>
#include <string>

namespace renkei::adapters {

struct SheetReply {
  std::string token;  ///< the notification's token, or the delivery's key for a plain sheet
  std::string form;
};
/// The reply a code names; nullopt when it is not a Renkei sheet's code.
std::optional<SheetReply> sheetReply(const std::string& code);

}  // namespace renkei::adapters

// The HL7 v2 acknowledgement (original mode) the MLLP source answers each message with: MSH
// mirrored from the message (sender and receiver swapped, its encoding characters, version,
// processing id and character set), MSA with the code and the message's control id, and for
// AE/AR an ERR segment with a reason — ASCII text that names what failed, never a value.
#pragma once

#include <string>
#include <string_view>

#include "renkei/hl7v2/message.h"

namespace renkei::adapters {

enum class AckCode { Accept, Error, Reject };  // AA, AE, AR

struct AckReason {
  std::string text;        ///< ERR-8 / MSA-3 (ASCII, shortened to 200 characters)
  std::string hl7Code;     ///< ERR-3: HL7 table 0357 (100 segment sequence, 200 unsupported message type, 207 application internal error …)
};

/// The acknowledgement of `original` (null when the bytes were not a message: MSH defaults then
/// and MSA-2 is empty). `controlId` is this ACK's own MSH-10.
std::string buildAck(const hl7v2::Message* original, AckCode code, const AckReason& reason,
                     std::string_view controlId, std::string_view timestamp);

/// The HL7 v2 escape of `text` for `d` (\F\ \S\ \R\ \T\ \E\), control characters dropped.
std::string escapeHl7(std::string_view text, const hl7v2::Delimiters& d);

}  // namespace renkei::adapters

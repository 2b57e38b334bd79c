// What the MLLP source does with one received payload, apart from the socket: parse it as HL7 v2,
// check its sender, pick its mapping by message type, commit it durably (keyed by sending
// facility, application and MSH-10, so a resent message is one delivery), and build the ACK —
// AA only once the message is committed, AE when it was committed but cannot be mapped or
// validated (its bytes are kept as a failed message), AR when it is refused before the store.
// When the store cannot take it now, there is no ACK: the connection is closed and the sender
// resends.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mllp_senders.h"
#include "renkei/hl7v2/message.h"
#include "renkei/mapping/mapping.h"
#include "renkei/pipeline/intake.h"
#include "renkei/pipeline/metrics.h"

namespace renkei::adapters {

struct MllpAnswer {
  std::string ack;  ///< the ACK payload (unframed); empty: no ACK, close the connection
  std::string outcome;  ///< accepted, duplicate, error, rejected, unavailable (for metrics)
};

class MllpMessageHandler {
 public:
  /// `mapping` is a mapping id or "auto" (by MSH-9).
  MllpMessageHandler(std::string sourceName, std::string mapping,
                     std::shared_ptr<const mapping::MappingSet> mappings, pipeline::Intake& intake,
                     std::shared_ptr<pipeline::Metrics> metrics, hl7v2::Limits limits);

  /// `payload` from a connection that `candidates` may be sending on.
  MllpAnswer handle(const std::string& payload, const std::vector<const MllpSender*>& candidates);
  /// The AR for bytes that broke the framing (no message to mirror).
  std::string framingReject(const std::string& reason);

 private:
  /// The ACK for `message`. Inputs that reached the intake were counted there.
  MllpAnswer answer(const hl7v2::Message* message, int code, const std::string& text,
                    const std::string& hl7Code, std::string outcome, const std::string& logText = "");
  /// An AR for what the intake never took, counted as "rejected".
  MllpAnswer refuse(const hl7v2::Message* message, const std::string& text, const std::string& hl7Code);

  std::string sourceName_;
  std::string mapping_;
  std::shared_ptr<const mapping::MappingSet> mappings_;
  pipeline::Intake& intake_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  hl7v2::Limits limits_;
};

}  // namespace renkei::adapters

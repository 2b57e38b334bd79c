// What a fax sheet says: the linkage sheet (連携シート) of one delivery — the patient (masked as
// the channel requires), the event, the sender and whom to call, one line per clinical fact the
// message carries — and the reply token its QR code carries, so that a sheet faxed back is
// identified without the patient's name.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "renkei/fhir/node.h"

namespace renkei::adapters {

/// How the patient's name appears on the sheet.
enum class NameMasking { Full, Masked, Initials };

/// "full", "masked" or "initials" (anything else: Masked, the safe choice).
NameMasking nameMaskingFrom(const std::string& text);
/// One name part masked: 連携 → 連● (Masked), 連. (Initials); Full leaves it.
std::string maskNamePart(const std::string& part, NameMasking masking);

struct SheetContent {
  std::string formId;        ///< the delivery's idempotency key
  std::string token;         ///< the notification's token when it is one, else the form id
  std::string recipient;     ///< who it is for
  std::string recipientFax;  ///< the recipient Endpoint's number, when it is a phone or fax
  std::string senderName, senderFax;  ///< the operator's office (config)
  std::string sentAt;        ///< local time text
  std::string title;         ///< 「在宅医療・介護 連携シート」, 【至急】 first when urgent
  std::vector<std::pair<std::string, std::string>> fields;  ///< label → value (patient, event …)
  std::vector<std::string> lines;  ///< the clinical facts, one per line
};

/// The sheet of a canonical message (or a notification Bundle) for `recipientJson`; every
/// occurrence of the patient's name in any printed text is masked as `masking` says.
SheetContent linkageSheet(const fhir::Node& root, const std::string& recipientJson,
                          const std::string& formId, NameMasking masking);

/// What the QR code carries: "renkei:" + token + ":" + form id.
std::string replyCode(const SheetContent& sheet);

}  // namespace renkei::adapters

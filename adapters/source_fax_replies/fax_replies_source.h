// The fax_replies source: a folder where the fax server drops received faxes (TIFF). A Renkei fax
// sheet sent back — its 受領確認 filled in, or just returned — carries the QR code of the sheet:
// the notification's reply token. Its notification is acknowledged (by "fax reply <file>") in the
// store, and only then the file moves to done/YYYY-MM-DD/; a fax without a Renkei code, or whose
// code names no notification awaiting acknowledgement, moves to failed/ with <name>.reason.json
// (for a person, or for the OCR intake). Nothing is deleted; links and special files are refused
// without being followed.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFaxRepliesSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

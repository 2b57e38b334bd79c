// A reviewer's answer to a faxed sheet that masks the patient's name: the page's Patient becomes
// the organization's known patient the reviewer chose (forms::PatientIdentity). Its identifiers
// lead with the known record's, so the patient registry finds that record and routing knows the
// patient by every identifier of the person; the identity-pending tags go (from every resource the
// masked name made pending); a masked or missing name is replaced by the known Patient's, a missing
// birth date or sex filled from it (what the sheet says and the reviewer confirmed is kept). The
// rest (address, phone) stays as read, and the resources keep the ids the fax gave them: they never
// overwrite another message's.
#pragma once

#include <rapidjson/document.h>

#include "renkei/core/status.h"
#include "renkei/forms/form_reader.h"

namespace renkei::forms {

/// Applies `identity` to the first Patient of `bundle` (a mapped page). InvalidInput when the
/// bundle has no Patient, the known Patient is not JSON or does not carry the record's identifier.
Status applyPatientIdentity(rapidjson::Document& bundle, const PatientIdentity& identity);

}  // namespace renkei::forms

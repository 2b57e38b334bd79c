// The audit trail of API requests as FHIR AuditEvent resources (R4, DICOM/IHE style: a RESTful
// operation, who asked, what it touched, how it ended), for operators and for export to an
// audit repository. Built from the store's audit records, which carry no patient data.
#pragma once

#include <string>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::pipeline {

/// One AuditEvent (JSON) for a record; `observer` names this gateway instance.
std::string auditEventJson(const store::AuditRecord& record, const std::string& observer);
/// A `collection` Bundle of the records' AuditEvents, newest first as given.
std::string auditEventBundle(const std::vector<store::AuditRecord>& records,
                             const std::string& observer);

}  // namespace renkei::pipeline

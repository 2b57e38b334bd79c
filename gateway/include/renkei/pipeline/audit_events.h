// The audit trail as FHIR AuditEvent resources (R4, DICOM/IHE style: what happened, who did it,
// what it touched, how it ended), for operators and for export to an audit repository: the API's
// requests (from the store's audit records, which carry no patient data), and one patient's
// trail — every receive, route, hold, delivery, notification and read of its data.
#pragma once

#include <string>
#include <vector>

#include "renkei/store/store.h"

namespace renkei::pipeline {

/// Who took part: an identifier (system|value) and/or a display.
struct AuditAgent {
  std::string system, value, display;
  std::string type;  ///< the reference's type ("Organization"), when known
  bool requestor = false;
};

/// What it touched: a reference, or an identifier; `patient` marks the data subject.
struct AuditEntity {
  std::string reference;
  std::string system, value;
  bool patient = false;
  std::string description;
};

/// One AuditEvent before it is written.
struct AuditEntry {
  int64_t atMs = 0;
  std::string typeSystem, typeCode, typeDisplay;
  std::string subtypeSystem, subtypeCode, subtypeDisplay;
  std::string action;   ///< C, R, U, D or E
  std::string outcome;  ///< 0 success, 4 minor failure, 8 serious failure
  std::string outcomeDesc;
  std::string site;     ///< the source or sink
  std::vector<AuditAgent> agents;
  std::vector<AuditEntity> entities;
};

/// The AuditEvent of one API request.
AuditEntry apiRequestEntry(const store::AuditRecord& record);
/// One AuditEvent (JSON) for a record; `observer` names this gateway instance.
std::string auditEventJson(const store::AuditRecord& record, const std::string& observer);
/// A `collection` Bundle of the records' AuditEvents, newest first as given.
std::string auditEventBundle(const std::vector<store::AuditRecord>& records,
                             const std::string& observer);
/// A `collection` Bundle of these AuditEvents, in the order given.
std::string auditBundle(const std::vector<AuditEntry>& entries, const std::string& observer);

/// One patient's trail (`patient`: the identifier asked for, "system|value" or a value) as
/// AuditEvents in time order.
std::vector<AuditEntry> patientTrailEntries(const store::PatientTrail& trail,
                                            const std::string& patient);
/// One line per AuditEvent, in Japanese, for an operator's terminal.
std::string auditEntriesText(const std::vector<AuditEntry>& entries);

}  // namespace renkei::pipeline

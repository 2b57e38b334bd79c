// FHIR codes for issue severities and types.
#include "renkei/fhir/issue.h"

namespace renkei::fhir {

std::string_view severityCode(Severity s) {
  switch (s) {
    case Severity::Fatal: return "fatal";
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Information: return "information";
  }
  return "error";
}

std::string_view issueTypeCode(IssueType t) {
  switch (t) {
    case IssueType::Invalid: return "invalid";
    case IssueType::Structure: return "structure";
    case IssueType::Required: return "required";
    case IssueType::Value: return "value";
    case IssueType::Invariant: return "invariant";
    case IssueType::Security: return "security";
    case IssueType::CodeInvalid: return "code-invalid";
    case IssueType::NotFound: return "not-found";
    case IssueType::NotSupported: return "not-supported";
    case IssueType::BusinessRule: return "business-rule";
    case IssueType::Forbidden: return "forbidden";
    case IssueType::Duplicate: return "duplicate";
    case IssueType::Processing: return "processing";
    case IssueType::TooCostly: return "too-costly";
    case IssueType::Informational: return "informational";
  }
  return "invalid";
}

}  // namespace renkei::fhir

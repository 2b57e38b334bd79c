// One finding about an input (parse problem or validation result), as OperationOutcome.issue.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace renkei::fhir {

enum class Severity : uint8_t { Fatal, Error, Warning, Information };

/// The subset of the R4 issue-type code system Renkei reports.
enum class IssueType : uint8_t {
  Invalid,
  Structure,
  Required,
  Value,
  Invariant,
  Security,
  CodeInvalid,
  NotFound,
  NotSupported,
  BusinessRule,
  Forbidden,
  Duplicate,
  Processing,
  TooCostly,
  Informational,
};

inline constexpr uint32_t kNoOffset = UINT32_MAX;

struct Issue {
  Severity severity = Severity::Error;
  IssueType type = IssueType::Invalid;
  std::string message;
  std::string expression;     ///< FHIRPath location, e.g. "Patient.name[0].given[1]"
  uint32_t offset = kNoOffset;  ///< byte offset in the source text, when known
  uint32_t line = 0;          ///< filled from offset when the source text is known
  uint32_t column = 0;
  std::string source;         ///< rule that produced it, e.g. a constraint key or profile URL
};

std::string_view severityCode(Severity s);
std::string_view issueTypeCode(IssueType t);
inline bool isErrorOrFatal(Severity s) { return s == Severity::Error || s == Severity::Fatal; }

}  // namespace renkei::fhir

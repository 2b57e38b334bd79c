// Rendering issues: as a FHIR OperationOutcome (JSON), and as compiler-style text lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "renkei/fhir/issue.h"

namespace renkei::fhir {

/// An OperationOutcome with one issue per finding: severity, code, details.text, expression,
/// and line/column as the standard operationoutcome-issue-line/-col extensions.
std::string operationOutcomeJson(const std::vector<Issue>& issues, bool pretty = false);

/// "source:line:col: severity: message [expression]" per issue.
std::string issuesAsText(const std::vector<Issue>& issues, std::string_view source);

/// An issue for an input that could not be read at all.
Issue fatalIssue(std::string message, uint32_t line = 0, uint32_t column = 0);

}  // namespace renkei::fhir

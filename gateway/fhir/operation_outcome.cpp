// OperationOutcome JSON via RapidJSON, and text rendering for the CLI.
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/run_copying_writer.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace renkei::fhir {
namespace {

template <typename W>
void writeOutcome(W& w, const std::vector<Issue>& issues) {
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("resourceType");
  str("OperationOutcome");
  w.Key("issue");
  w.StartArray();
  if (issues.empty()) {
    w.StartObject();
    w.Key("severity");
    str("information");
    w.Key("code");
    str("informational");
    w.Key("details");
    w.StartObject();
    w.Key("text");
    str("No issues detected during validation");
    w.EndObject();
    w.EndObject();
  }
  for (const Issue& i : issues) {
    w.StartObject();
    if (i.line != 0) {
      w.Key("extension");
      w.StartArray();
      w.StartObject();
      w.Key("url");
      str("http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line");
      w.Key("valueInteger");
      w.Uint(i.line);
      w.EndObject();
      w.StartObject();
      w.Key("url");
      str("http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col");
      w.Key("valueInteger");
      w.Uint(i.column);
      w.EndObject();
      w.EndArray();
    }
    w.Key("severity");
    str(severityCode(i.severity));
    w.Key("code");
    str(issueTypeCode(i.type));
    w.Key("details");
    w.StartObject();
    w.Key("text");
    str(i.message);
    w.EndObject();
    if (!i.expression.empty()) {
      w.Key("expression");
      w.StartArray();
      str(i.expression);
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string operationOutcomeJson(const std::vector<Issue>& issues, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    renkei::fhir::RunCopyingPrettyWriter w(buf);
    w.SetIndent(' ', 2);
    writeOutcome(w, issues);
  } else {
    renkei::fhir::RunCopyingWriter w(buf);
    writeOutcome(w, issues);
  }
  return std::string(buf.GetString(), buf.GetSize());
}

std::string issuesAsText(const std::vector<Issue>& issues, std::string_view source) {
  std::string out;
  for (const Issue& i : issues) {
    out += source;
    if (i.line != 0) out += ":" + std::to_string(i.line) + ":" + std::to_string(i.column);
    out += ": ";
    out += severityCode(i.severity);
    out += ": ";
    out += i.message;
    if (!i.expression.empty()) out += " [" + i.expression + "]";
    out += '\n';
  }
  return out;
}

Issue fatalIssue(std::string message, uint32_t line, uint32_t column) {
  Issue i;
  i.severity = Severity::Fatal;
  i.type = IssueType::Invalid;
  i.message = std::move(message);
  i.line = line;
  i.column = column;
  return i;
}

}  // namespace renkei::fhir

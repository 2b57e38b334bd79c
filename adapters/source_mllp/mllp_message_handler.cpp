// One MLLP payload from bytes to ACK (see mllp_message_handler.h).
#include "mllp_message_handler.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>

#include <rapidjson/document.h>

#include "hl7_ack.h"
#include "renkei/core/json_log.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/pipeline/normalizer.h"
#include "renkei/store/store.h"

namespace renkei::adapters {
namespace {

/// HL7 DTM of now, to the second, in local time (as the hospitals' systems write it).
std::string timestampNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[24];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

/// This ACK's own control id: unique within the process and across restarts.
std::string nextControlId() {
  static std::atomic<uint64_t> counter{0};
  static const auto start = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  return "RK" + std::to_string(start) + "-" + std::to_string(++counter);
}

/// The first issue's diagnostics of an OperationOutcome, or `fallback`.
std::string firstDiagnostics(const std::string& operationOutcome, const std::string& fallback) {
  rapidjson::Document d;
  d.Parse(operationOutcome.data(), operationOutcome.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("issue") || !d["issue"].IsArray() ||
      d["issue"].Empty()) {
    return fallback;
  }
  const auto& issue = d["issue"][0];
  if (!issue.IsObject()) return fallback;
  if (issue.HasMember("diagnostics") && issue["diagnostics"].IsString()) return issue["diagnostics"].GetString();
  // Mapping refusals say why in details.text ("column 'PID-7.1': hl7_date: …").
  const auto details = issue.FindMember("details");
  if (details != issue.MemberEnd() && details->value.IsObject() && details->value.HasMember("text") &&
      details->value["text"].IsString()) {
    return details->value["text"].GetString();
  }
  return fallback;
}

std::string valueAt(const hl7v2::Message& m, const char* path) {
  auto v = m.value(path);
  return v.ok() ? std::move(v).value() : "";
}

}  // namespace

MllpMessageHandler::MllpMessageHandler(std::string sourceName, std::string mapping,
                                       std::shared_ptr<const mapping::MappingSet> mappings,
                                       pipeline::Intake& intake, std::shared_ptr<pipeline::Metrics> metrics,
                                       hl7v2::Limits limits)
    : sourceName_(std::move(sourceName)),
      mapping_(std::move(mapping)),
      mappings_(std::move(mappings)),
      intake_(intake),
      metrics_(std::move(metrics)),
      limits_(limits) {}

MllpAnswer MllpMessageHandler::answer(const hl7v2::Message* message, int code, const std::string& text,
                                      const std::string& hl7Code, std::string outcome,
                                      const std::string& logText) {
  if (code != 0) {
    JsonLog::write(LogLevel::Warn, "mllp_message_refused",
                   {{"source", sourceName_}, {"ack", code == 1 ? "AE" : "AR"},
                    {"reason", logText.empty() ? text : logText}});
  }
  const AckCode ack = code == 0 ? AckCode::Accept : code == 1 ? AckCode::Error : AckCode::Reject;
  return {buildAck(message, ack, {text, hl7Code}, nextControlId(), timestampNow()), std::move(outcome)};
}

MllpAnswer MllpMessageHandler::refuse(const hl7v2::Message* message, const std::string& text,
                                      const std::string& hl7Code) {
  if (metrics_) metrics_->countIntake(sourceName_, "rejected");
  return answer(message, 2, text, hl7Code, "rejected");
}

std::string MllpMessageHandler::framingReject(const std::string& reason) {
  return refuse(nullptr, reason, "100").ack;
}

MllpAnswer MllpMessageHandler::handle(const std::string& payload,
                                      const std::vector<const MllpSender*>& candidates) {
  auto parsed = hl7v2::Message::parse(payload, limits_);
  if (!parsed.ok()) {
    // A header that reads on its own still names the message the refusal answers (MSA-2).
    const std::string_view body = hl7v2::withoutLeadIn(payload);
    auto header = hl7v2::Message::parse(body.substr(0, body.find_first_of("\r\n")), limits_);
    const std::string why = parsed.status().message();
    return refuse(header.ok() ? &header.value() : nullptr,
                  why.rfind("not an HL7 v2 message", 0) == 0 ? why : "not an HL7 v2 message: " + why, "102");
  }
  const hl7v2::Message& message = parsed.value();
  const std::string controlId = valueAt(message, "MSH-10");
  if (controlId.empty()) return refuse(&message, "MSH-10 (message control id) is empty", "101");
  const std::string facility = valueAt(message, "MSH-4.1");
  const MllpSender* sender = senderForFacility(candidates, facility);
  if (sender == nullptr) {
    return refuse(&message, "the sending facility (MSH-4) is not allowed on this connection, or more than one configured sender may use it", "204");
  }
  const std::string type = message.type();
  const mapping::Mapping* m = mappings_ ? mappings_->chooseForMessageType(mapping_, type) : nullptr;
  if (m == nullptr) {
    return refuse(&message, "no mapping takes message type " + type, "200");
  }
  // The key names the sender's own id space: another facility's MSH-10 never collides with it.
  const std::string key = "mllp:" + sender->organization + "|" + facility + "|" + valueAt(message, "MSH-3.1") +
                          "|" + controlId;
  // The stored name carries the sender's mapping parameters; the control id in it is only a label.
  std::string label = "mllp-" + controlId;
  for (char& c : label) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_' && c != '.') c = '_';
  }
  store::RawInput input{sourceName_, sender->organization,
                        pipeline::mappedInputName(mapping::withMappingParameters(label, sender->mappingParameters), m->id, 1),
                        key, payload, ""};
  std::vector<pipeline::SubmitResult> results = intake_.submit({std::move(input)});
  if (results.empty()) return {"", "unavailable"};
  const pipeline::SubmitResult& r = results.front();
  if (!r.committed.ok()) {
    if (pipeline::isPermanentFailure(r.committed)) {
      return refuse(&message, "the message could not be stored: " + r.committed.message(), "207");
    }
    JsonLog::write(LogLevel::Warn, "mllp_store_unavailable",
                   {{"source", sourceName_}, {"error", r.committed.message()}});
    if (metrics_) metrics_->countIntake(sourceName_, "unavailable");
    return {"", "unavailable"};
  }
  if (r.state == store::kFailed) {
    return answer(&message, 1,
                  "stored as message " + std::to_string(r.messageId) + " but not accepted: " +
                      firstDiagnostics(r.error, "mapping or validation failed"),
                  "207", "error",
                  // The diagnostics may quote values: the log names the stored message only.
                  "stored as message " + std::to_string(r.messageId) + " but not accepted");
  }
  return answer(&message, 0, "", "", r.duplicate ? "duplicate" : "accepted");
}

}  // namespace renkei::adapters

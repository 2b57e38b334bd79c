// Building HL7 v2 acknowledgements (see hl7_ack.h).
#include "hl7_ack.h"

#include <algorithm>

namespace renkei::adapters {
namespace {

const char* codeText(AckCode code) {
  switch (code) {
    case AckCode::Accept: return "AA";
    case AckCode::Error: return "AE";
    case AckCode::Reject: return "AR";
  }
  return "AR";
}

/// A field of the original's MSH, as written (already escaped for its delimiters), or "".
std::string rawMsh(const hl7v2::Message* m, std::size_t field) {
  if (m == nullptr || m->segments().empty()) return "";
  const hl7v2::Segment& msh = m->segments().front();
  return field < msh.fields.size() ? std::string(msh.fields[field]) : "";
}

/// At most `max` characters of `text` in ASCII (the reasons are ASCII; any other character of
/// the UTF-8 text becomes one '?').
std::string asciiShortened(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text) {
    if (out.size() >= max) break;
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) out += c;
    else if ((byte & 0xC0) != 0x80) out += '?';  // a lead byte; continuation bytes are skipped
  }
  return out;
}

/// A header field of the original echoed in the ACK: as written, but in ASCII and without
/// control characters, since the ACK is written as ASCII whatever MSH-18 says (the original's
/// 電子カルテ was decoded to UTF-8; a 0x0B inside a payload must not start a frame).
std::string echoed(const hl7v2::Message* m, std::size_t field) {
  std::string out = asciiShortened(rawMsh(m, field), 180);
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
            out.end());
  return out;
}

}  // namespace

std::string escapeHl7(std::string_view text, const hl7v2::Delimiters& d) {
  std::string out;
  for (char c : text) {
    if (c == d.escape) out += std::string{d.escape} + "E" + d.escape;
    else if (c == d.field) out += std::string{d.escape} + "F" + d.escape;
    else if (c == d.component) out += std::string{d.escape} + "S" + d.escape;
    else if (c == d.repetition) out += std::string{d.escape} + "R" + d.escape;
    else if (c == d.subcomponent) out += std::string{d.escape} + "T" + d.escape;
    else if (static_cast<unsigned char>(c) >= 0x20) out += c;
    else out += ' ';
  }
  return out;
}

std::string buildAck(const hl7v2::Message* original, AckCode code, const AckReason& reason,
                     std::string_view controlId, std::string_view timestamp) {
  const hl7v2::Delimiters d = original ? original->delimiters() : hl7v2::Delimiters{};
  const std::string f(1, d.field);
  const std::string encoding = original ? rawMsh(original, 2) : "^~\\&";
  std::string version = echoed(original, 12);
  if (version.empty()) version = "2.5";
  std::string processing = echoed(original, 11);
  if (processing.empty()) processing = "P";
  std::string trigger;
  if (original) {
    auto event = original->value("MSH-9.2");
    if (event.ok()) trigger = std::move(event).value();
  }
  std::string out = "MSH" + f + encoding + f + echoed(original, 5) + f + echoed(original, 6) + f +
                    echoed(original, 3) + f + echoed(original, 4) + f + std::string(timestamp) + f + f +
                    "ACK" + d.component + escapeHl7(trigger, d) + d.component + "ACK" + f +
                    escapeHl7(controlId, d) + f + processing + f + version;
  const std::string charset = echoed(original, 18);
  if (!charset.empty()) out += f + f + f + f + f + f + charset;
  const std::string text = escapeHl7(asciiShortened(reason.text, 200), d);
  out += "\rMSA" + f + codeText(code) + f + echoed(original, 10);
  if (code != AckCode::Accept) {
    out += f + text;
    // ERR-3 error code (CWE, table 0357), ERR-4 severity E, ERR-8 user message.
    out += "\rERR" + f + f + f + reason.hl7Code + d.component + d.component + "HL70357" + f + "E" + f + f + f +
           f + text;
  }
  out += "\r";
  return out;
}

}  // namespace renkei::adapters

// The linkage sheet's content (see linkage_sheet.h).
#include "linkage_sheet.h"

#include <algorithm>
#include <ctime>

#include <rapidjson/document.h>

#include "renkei/care/notifications.h"
#include "renkei/core/json_fields.h"
#include "renkei/fhir/each_resource.h"
#include "renkei/core/time_text.h"
#include "renkei/routing/message_facts.h"

namespace renkei::adapters {
namespace {

/// Code points of UTF-8 text (the input is valid UTF-8: it was parsed as FHIR).
std::vector<std::string> codePoints(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

std::string text(const fhir::Node* n, std::string_view key) {
  return n == nullptr ? std::string() : std::string(n->childValue(key));
}

/// A CodeableConcept as words: its text, else its first coding's display, else its code.
std::string words(const fhir::Node* c) {
  if (c == nullptr) return "";
  if (!c->childValue("text").empty()) return std::string(c->childValue("text"));
  for (const fhir::Node& coding : c->children()) {
    if (coding.name != "coding") continue;
    if (!coding.childValue("display").empty()) return std::string(coding.childValue("display"));
    if (!coding.childValue("code").empty()) return std::string(coding.childValue("code"));
  }
  return "";
}

/// "2026-11-20T11:30:00+09:00" → "2026-11-20 11:30".
std::string when(std::string_view v) {
  std::string out(v.substr(0, std::min<std::size_t>(16, v.size())));
  if (out.size() > 10 && out[10] == 'T') out[10] = ' ';
  return out;
}

void add(std::vector<std::string>& lines, const std::string& label, const std::string& value) {
  if (!value.empty()) lines.push_back(label + value);
}

/// One line (or a few) per clinical fact the resource states; nothing for the parties, the
/// coverage and narratives (which repeat names and numbers the sheet must not print).
void factLines(const fhir::Node& r, std::vector<std::string>& lines) {
  const std::string_view type = r.resourceType;
  if (type == "Encounter") {
    const fhir::Node* period = r.child("period");
    std::string stay;
    if (!text(period, "start").empty()) stay = "入院 " + when(text(period, "start"));
    if (!text(period, "end").empty()) stay += (stay.empty() ? "" : " / ") + ("退院 " + when(text(period, "end")));
    add(lines, "入退院: ", stay);
    const fhir::Node* stayNode = r.child("hospitalization");
    add(lines, "退院先: ", words(stayNode ? stayNode->child("dischargeDisposition") : nullptr));
  } else if (type == "Condition") {
    add(lines, "病名: ", words(r.child("code")));
  } else if (type == "AllergyIntolerance") {
    add(lines, "アレルギー: ", words(r.child("code")));
  } else if (type == "MedicationRequest" || type == "MedicationStatement") {
    std::string drug = words(r.child("medicationCodeableConcept"));
    if (const fhir::Node* dosage = r.child("dosageInstruction")) drug += " " + text(dosage, "text");
    if (const fhir::Node* dosage = r.child("dosage")) drug += " " + text(dosage, "text");
    add(lines, "薬: ", drug);
  } else if (type == "Observation") {
    std::string value = words(r.child("code"));
    if (const fhir::Node* q = r.child("valueQuantity")) value += " " + text(q, "value") + " " + text(q, "unit");
    if (!r.childValue("valueString").empty()) value += " " + std::string(r.childValue("valueString"));
    add(lines, "所見: ", value);
  } else if (type == "Communication") {
    for (const fhir::Node& p : r.children()) {
      if (p.name == "payload") add(lines, "", std::string(p.childValue("contentString")));
    }
  } else if (type == "Task" || type == "ServiceRequest" || type == "CarePlan") {
    std::string what = std::string(r.childValue("description"));
    if (what.empty()) what = std::string(r.childValue("title"));
    if (what.empty()) what = words(r.child("code"));
    add(lines, type == "CarePlan" ? "計画: " : "依頼: ", what);
  } else if (type == "Composition") {
    add(lines, "文書: ", std::string(r.childValue("title")));
    for (const fhir::Node& s : r.children()) {
      if (s.name == "section") add(lines, "  ・", std::string(s.childValue("title")));
    }
  }
}


/// A name written whole ("連携 花子"): it and each of its words, with their masked forms.
void addWrittenName(const std::string& whole, NameMasking masking,
                    std::vector<std::pair<std::string, std::string>>& out) {
  std::string maskedWhole;
  std::size_t at = 0;
  while (at <= whole.size()) {  // words split by an ASCII or an ideographic space
    const std::size_t space = std::min(whole.find(' ', at), whole.find("　", at));
    const std::string word = whole.substr(at, space == std::string::npos ? std::string::npos : space - at);
    if (!word.empty()) {
      out.push_back({word, maskNamePart(word, masking)});
      maskedWhole += (maskedWhole.empty() ? "" : " ") + maskNamePart(word, masking);
    }
    if (space == std::string::npos) break;
    at = space + (whole.compare(space, 3, "　") == 0 ? 3 : 1);
  }
  if (!whole.empty()) out.push_back({whole, maskedWhole});
}

/// Every way a patient's name is written in the message — each Patient's names (family, given,
/// whole, in kanji and kana) and the display of a Communication's or Task's patient (a digest
/// names several) — longest first, with its masked form.
std::vector<std::pair<std::string, std::string>> nameReplacements(const fhir::Node& root,
                                                                  NameMasking masking) {
  std::vector<std::pair<std::string, std::string>> out;
  if (masking == NameMasking::Full) return out;
  fhir::eachResource(root, [&](const fhir::Node& r) {
    if (r.resourceType == "Communication" || r.resourceType == "Task") {
      for (const char* key : {"subject", "for"}) {
        if (const fhir::Node* who = r.child(key)) addWrittenName(std::string(who->childValue("display")), masking, out);
      }
    }
    if (r.resourceType != "Patient") return;
    for (const fhir::Node& n : r.children()) {
      if (n.name != "name") continue;
      if (!n.childValue("family").empty()) addWrittenName(std::string(n.childValue("family")), masking, out);
      for (const fhir::Node& g : n.children()) {
        if (g.name == "given" && !g.value.empty()) addWrittenName(std::string(g.value), masking, out);
      }
      addWrittenName(std::string(n.childValue("text")), masking, out);
    }
  });
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return out;
}

std::string replaceAll(std::string s, const std::vector<std::pair<std::string, std::string>>& names) {
  for (const auto& [name, masked] : names) {
    if (name.empty()) continue;
    for (std::size_t at = s.find(name); at != std::string::npos; at = s.find(name, at + masked.size())) {
      s.replace(at, name.size(), masked);
    }
  }
  return s;
}


/// A phone or fax number from an Endpoint address ("tel:03-…", "fax:03-…"), else "".
std::string faxNumber(const std::string& address) {
  for (const char* scheme : {"fax:", "tel:"}) {
    if (address.rfind(scheme, 0) == 0) return address.substr(std::string(scheme).size());
  }
  return "";
}

const char* genderLabel(std::string_view g) {
  if (g == "male") return "男";
  if (g == "female") return "女";
  return "";
}

}  // namespace

NameMasking nameMaskingFrom(const std::string& t) {
  if (t == "full") return NameMasking::Full;
  if (t == "initials") return NameMasking::Initials;
  return NameMasking::Masked;
}

std::string maskNamePart(const std::string& part, NameMasking masking) {
  const std::vector<std::string> cps = codePoints(part);
  if (masking == NameMasking::Full || cps.empty()) return part;
  if (masking == NameMasking::Initials) return cps[0] + ".";
  std::string out = cps[0];
  for (std::size_t i = 1; i < std::max<std::size_t>(2, cps.size()); ++i) out += "●";
  return out;
}

SheetContent linkageSheet(const fhir::Node& root, const std::string& recipientJson,
                          const std::string& formId, NameMasking masking) {
  SheetContent sheet;
  sheet.formId = formId;
  sheet.token = formId;
  sheet.sentAt = localDateTimeAt(static_cast<int64_t>(std::time(nullptr)) * 1000).substr(0, 16);
  rapidjson::Document recipient;
  recipient.Parse(recipientJson.c_str(), recipientJson.size());
  sheet.recipient = json::str(recipient, "display");
  sheet.recipientFax = faxNumber(json::str(recipient, "address"));

  const routing::MessageFacts facts = routing::collectFacts(root);
  const fhir::Node* patient = nullptr;
  fhir::eachResource(root, [&](const fhir::Node& r) {
    if (patient == nullptr && r.resourceType == "Patient") patient = &r;
    if (r.resourceType != "Communication" && r.resourceType != "Task") return;
    for (const fhir::Node& id : r.children()) {
      if (id.name == "identifier" && id.childValue("system") == care::kNotificationSystem) {
        sheet.token = std::string(id.childValue("value"));
      }
    }
  });
  care::CareRecipient member;
  member.display = sheet.recipient;
  rapidjson::Document summary;
  const std::string summaryJson = care::notificationSummary(root, facts, member, {});
  summary.Parse(summaryJson.c_str());
  const rapidjson::Value* p = json::member(summary, "patient");
  const auto names = nameReplacements(root, masking);

  sheet.title = std::string(facts.urgentPriority || facts.death ? "【至急】" : "") + "在宅医療・介護 連携シート";
  if (patient != nullptr) {
    sheet.fields.push_back({"患者氏名", replaceAll(p ? json::str(*p, "name") : "", names)});
    std::string born = p ? json::str(*p, "birthDate") : "";
    const char* sex = genderLabel(patient->childValue("gender"));
    if (*sex != '\0') born += (born.empty() ? "" : "  ") + std::string(sex);
    sheet.fields.push_back({"生年月日・性別", born});
  }
  const std::string event = json::str(summary, "event");
  const char* label = event == "death"       ? "死亡"
                      : event == "transfer"  ? "転院"
                      : event == "discharge" ? "退院"
                      : event == "admission" ? "入院"
                                             : "連絡";
  sheet.fields.push_back({"事象", std::string(label) + (facts.eventDate.empty() ? "" : "  " + when(facts.eventDate))});
  sheet.fields.push_back({"送信元", json::str(summary, "sender")});
  sheet.fields.push_back({"連絡先", json::str(summary, "contact")});
  fhir::eachResource(root, [&](const fhir::Node& r) { factLines(r, sheet.lines); });
  for (std::string& line : sheet.lines) line = replaceAll(line, names);
  for (auto& field : sheet.fields) field.second = replaceAll(field.second, names);
  return sheet;
}

std::string replyCode(const SheetContent& sheet) { return "renkei:" + sheet.token + ":" + sheet.formId; }

}  // namespace renkei::adapters

// The care directory from a spreadsheet (see directory_csv.h).
#include "renkei/care/directory_csv.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/care/care_directory.h"
#include "renkei/routing/municipalities.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::care {
namespace {

using Writer = renkei::fhir::RunCopyingWriter;

const std::map<std::string, std::string>& headerNames() {
  static const std::map<std::string, std::string> names = {
      {"id", "id"}, {"ID", "id"}, {"name", "name"}, {"名称", "name"}, {"kind", "kind"},
      {"種別", "kind"}, {"municipality", "municipality"}, {"市区町村", "municipality"},
      {"address", "address"}, {"住所", "address"}, {"phone", "phone"}, {"電話", "phone"},
      {"fax", "fax"}, {"FAX", "fax"}, {"institution_code", "institution_code"},
      {"医療機関コード", "institution_code"}, {"care_office_number", "care_office_number"},
      {"介護事業所番号", "care_office_number"}, {"channel", "channel"}, {"連携先", "channel"},
      {"channel_address", "channel_address"}, {"連携先アドレス", "channel_address"},
      {"specialties", "specialties"}, {"診療科", "specialties"}, {"home_visit", "home_visit"},
      {"往診", "home_visit"}};
  return names;
}

/// Organization kinds: (code of the HL7 organization-type CodeSystem, Japanese display).
const std::map<std::string, std::pair<const char*, const char*>>& kinds() {
  static const std::map<std::string, std::pair<const char*, const char*>> k = {
      {"hospital", {"prov", "病院"}},        {"病院", {"prov", "病院"}},
      {"clinic", {"prov", "診療所"}},        {"診療所", {"prov", "診療所"}},
      {"visiting-nurse", {"prov", "訪問看護ステーション"}},
      {"訪問看護", {"prov", "訪問看護ステーション"}},
      {"care-office", {"prov", "居宅介護支援事業所"}},
      {"居宅介護支援", {"prov", "居宅介護支援事業所"}},
      {"pharmacy", {"prov", "薬局"}},        {"薬局", {"prov", "薬局"}},
      {"dentist", {"prov", "歯科診療所"}},   {"歯科", {"prov", "歯科診療所"}}};
  return k;
}

bool validId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<bool> yesNo(const std::string& v) {
  if (v.empty()) return std::nullopt;
  for (const char* yes : {"yes", "true", "1", "可", "○", "有"}) {
    if (v == yes) return true;
  }
  for (const char* no : {"no", "false", "0", "不可", "×", "無"}) {
    if (v == no) return false;
  }
  return std::nullopt;
}

void str(Writer& w, const char* key, const std::string& value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void identifier(Writer& w, const char* system, const std::string& value) {
  w.StartObject();
  str(w, "system", system);
  str(w, "value", value);
  w.EndObject();
}

void telecom(Writer& w, const char* system, const std::string& value) {
  w.StartObject();
  str(w, "system", system);
  str(w, "value", value);
  str(w, "use", "work");
  w.EndObject();
}

void putEntry(Writer& w, const std::string& type, const std::string& id,
              const std::function<void()>& body) {
  w.StartObject();
  w.Key("resource");
  w.StartObject();
  str(w, "resourceType", type);
  str(w, "id", id);
  body();
  w.EndObject();
  w.Key("request");
  w.StartObject();
  str(w, "method", "PUT");
  str(w, "url", type + "/" + id);
  w.EndObject();
  w.EndObject();
}

/// "内科;皮膚科" (also ；or 、) → its items, trimmed.
std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t semi = list.find(';', at);
    const std::size_t end = std::min({semi, list.find("；", at), list.find("、", at)});
    std::string item = list.substr(at, end == std::string::npos ? std::string::npos : end - at);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    if (end == std::string::npos) break;
    at = end + (end == semi ? 1 : 3);  // ；and 、 are three bytes in UTF-8
  }
  return out;
}

}  // namespace

Result<std::string> directoryBundleFromCsv(std::string_view bytes, mapping::TextEncoding encoding) {
  mapping::CsvDialect dialect;
  dialect.encoding = encoding;
  auto rows = mapping::readCsv(bytes, dialect);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::invalidInput("the file has no header row");
  std::vector<std::string> problems;
  std::vector<std::string> columns;
  for (const std::string& h : rows->front().fields) {
    std::string name = h;
    if (name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
    auto known = headerNames().find(name);
    if (known == headerNames().end()) {
      problems.push_back("line 1: unknown column '" + name + "' (columns: " + kDirectoryColumns + ")");
      columns.emplace_back();
    } else {
      columns.push_back(known->second);
    }
  }
  for (const char* required : {"id", "name"}) {
    if (std::find(columns.begin(), columns.end(), required) == columns.end()) {
      problems.push_back(std::string("line 1: the column '") + required + "' is required");
    }
  }
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  str(w, "resourceType", "Bundle");
  str(w, "type", "transaction");
  w.Key("entry");
  w.StartArray();
  std::set<std::string> ids;
  for (std::size_t r = 1; r < rows->size() && problems.size() < 50; ++r) {
    const mapping::CsvRow& row = (*rows)[r];
    std::map<std::string, std::string> v;
    for (std::size_t c = 0; c < row.fields.size() && c < columns.size(); ++c) {
      if (!columns[c].empty()) v[columns[c]] = row.fields[c];
    }
    const std::string at = "line " + std::to_string(row.line) + ": ";
    const std::string id = v["id"];
    if (!validId(id)) {
      problems.push_back(at + "id '" + id + "' must be 1-64 letters, digits, '-' or '.'");
      continue;
    }
    if (!ids.insert(id).second) problems.push_back(at + "id '" + id + "' is listed twice");
    if (v["name"].empty()) problems.push_back(at + "name is empty");
    const routing::Municipality* ward = nullptr;
    if (!v["municipality"].empty()) {
      ward = routing::MunicipalityTable::tokyo().find(v["municipality"]);
      if (ward == nullptr) problems.push_back(at + "unknown municipality '" + v["municipality"] + "'");
    }
    auto kind = kinds().find(v["kind"]);
    if (!v["kind"].empty() && kind == kinds().end()) {
      problems.push_back(at + "unknown kind '" + v["kind"] + "'");
    }
    const std::optional<bool> homeVisit = yesNo(v["home_visit"]);
    if (!v["home_visit"].empty() && !homeVisit) {
      problems.push_back(at + "home_visit must be yes or no (可/不可), not '" + v["home_visit"] + "'");
    }
    const bool hasEndpoint = !v["channel"].empty();
    putEntry(w, "Organization", id, [&] {
      w.Key("identifier");
      w.StartArray();
      identifier(w, "https://fhir.renkei.jp/sid/directory-entry", id);
      if (!v["institution_code"].empty()) {
        identifier(w, "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no",
                   v["institution_code"]);
      }
      if (!v["care_office_number"].empty()) {
        identifier(w, "https://fhir.renkei.jp/NamingSystem/care-provider-number", v["care_office_number"]);
      }
      w.EndArray();
      w.Key("active");
      w.Bool(true);
      if (kind != kinds().end()) {
        w.Key("type");
        w.StartArray();
        w.StartObject();
        w.Key("coding");
        w.StartArray();
        w.StartObject();
        str(w, "system", "http://terminology.hl7.org/CodeSystem/organization-type");
        str(w, "code", kind->second.first);
        w.EndObject();
        w.EndArray();
        str(w, "text", kind->second.second);
        w.EndObject();
        w.EndArray();
      }
      str(w, "name", v["name"]);
      if (!v["phone"].empty() || !v["fax"].empty()) {
        w.Key("telecom");
        w.StartArray();
        if (!v["phone"].empty()) telecom(w, "phone", v["phone"]);
        if (!v["fax"].empty()) telecom(w, "fax", v["fax"]);
        w.EndArray();
      }
      if (ward != nullptr || !v["address"].empty()) {
        w.Key("address");
        w.StartArray();
        w.StartObject();
        str(w, "text", v["address"]);
        str(w, "city", ward != nullptr ? ward->name : "");
        str(w, "state", "東京都");
        w.EndObject();
        w.EndArray();
      }
      if (hasEndpoint) {
        w.Key("endpoint");
        w.StartArray();
        w.StartObject();
        str(w, "reference", "Endpoint/ep-" + id);
        w.EndObject();
        w.EndArray();
      }
    });
    if (hasEndpoint) {
      putEntry(w, "Endpoint", "ep-" + id, [&] {
        w.Key("identifier");
        w.StartArray();
        identifier(w, std::string(kChannelSystem).c_str(), v["channel"]);
        w.EndArray();
        str(w, "status", "active");
        w.Key("connectionType");
        w.StartObject();
        str(w, "system", "http://terminology.hl7.org/CodeSystem/endpoint-connection-type");
        str(w, "code", "hl7-fhir-rest");
        w.EndObject();
        w.Key("payloadType");
        w.StartArray();
        w.StartObject();
        str(w, "text", "在宅医療・介護連携");
        w.EndObject();
        w.EndArray();
        const std::string address = !v["channel_address"].empty() ? v["channel_address"]
                                    : !v["fax"].empty()            ? "fax:" + v["fax"]
                                                                   : "urn:renkei:channel:" + v["channel"];
        str(w, "address", address);
      });
    }
    const std::vector<std::string> specialties = split(v["specialties"]);
    if (!specialties.empty() || homeVisit) {
      putEntry(w, "HealthcareService", "hs-" + id, [&] {
        w.Key("active");
        w.Bool(true);
        w.Key("providedBy");
        w.StartObject();
        str(w, "reference", "Organization/" + id);
        w.EndObject();
        str(w, "name", v["name"]);
        if (!specialties.empty()) {
          w.Key("specialty");
          w.StartArray();
          for (const std::string& s : specialties) {
            w.StartObject();
            str(w, "text", s);
            w.EndObject();
          }
          w.EndArray();
        }
        if (homeVisit) {
          w.Key("characteristic");
          w.StartArray();
          w.StartObject();
          w.Key("coding");
          w.StartArray();
          w.StartObject();
          str(w, "system", kCharacteristicSystem);
          str(w, "code", *homeVisit ? "home-visit" : "no-home-visit");
          w.EndObject();
          w.EndArray();
          str(w, "text", *homeVisit ? "往診可能" : "往診不可");
          w.EndObject();
          w.EndArray();
        }
      });
    }
  }
  w.EndArray();
  w.EndObject();
  if (!problems.empty()) {
    std::string message = std::to_string(problems.size()) + " problem(s) in the directory file:";
    for (const std::string& p : problems) message += "\n  " + p;
    return Status::invalidInput(message);
  }
  return std::string(buffer.GetString());
}

}  // namespace renkei::care

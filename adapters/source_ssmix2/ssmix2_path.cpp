// SS-MIX2 storage paths and file names, and the agreement of a file's place with its content
// (see ssmix2_path.h).
#include "ssmix2_path.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <vector>

#include "renkei/core/ascii.h"
#include "renkei/hl7v2/ssmix2_name.h"

namespace renkei::adapters {
namespace {

bool digits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// The MSH-9 (code^event) each data type is written with, per the SS-MIX2 storage
/// specification; cancellations (A11, A13, A55) are filed under the type they cancel.
const std::map<std::string, std::vector<std::string>, std::less<>>& messageTypes() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> kTypes = {
      {"ADT-00", {"ADT^A08", "ADT^A23"}}, {"ADT-01", {"ADT^A54", "ADT^A55"}},
      {"ADT-22", {"ADT^A01", "ADT^A11"}}, {"ADT-52", {"ADT^A03", "ADT^A13"}},
      {"ADT-61", {"ADT^A60"}},            {"PPR-01", {"PPR^ZD1"}},
      {"OMP-01", {"RDE^O11"}},            {"OMP-02", {"RDE^O11"}},
      {"OMP-11", {"RAS^O17"}},            {"OMP-12", {"RAS^O17"}},
      {"OMD", {"OMD^O03"}},               {"OML-01", {"OML^O33"}},
      {"OML-11", {"OUL^R22"}},            {"OMG-01", {"OMG^O19"}},
      {"OMG-02", {"OMG^O19"}},            {"OMG-03", {"OMG^O19"}},
      {"OMG-11", {"OMI^Z23"}},            {"OMG-12", {"OMI^Z23"}},
      {"OMG-13", {"ORU^R01"}}};
  return kTypes;
}

}  // namespace

Result<Ssmix2File> parseSsmix2Path(std::string_view relativePath) {
  const std::vector<std::string_view> parts = splitOn(relativePath, '/');
  if (parts.size() != 6) {
    return Status::invalidInput("not at the depth of SS-MIX2 standardized storage "
                                "(<PID 1-3>/<PID 4-6>/<PID>/<date>/<data type>/<file>)");
  }
  const std::vector<std::string_view> name = splitOn(parts[5], '_');
  if (name.size() != 7) return Status::invalidInput("the file name does not have the 7 parts of an SS-MIX2 name");
  Ssmix2File f{std::string(name[0]), std::string(name[1]), std::string(name[2]), std::string(name[3]),
               std::string(name[4]), std::string(name[5]), name[6] == "1"};
  if (f.patientId.size() < 6) return Status::invalidInput("the patient id in the file name is shorter than 6 characters");
  if (parts[2] != f.patientId) return Status::invalidInput("the file name's patient id differs from its patient folder");
  if (parts[0] != std::string_view(f.patientId).substr(0, 3) ||
      parts[1] != std::string_view(f.patientId).substr(3, 3)) {
    return Status::invalidInput("the patient id folders are not the id's first and second three characters");
  }
  if (parts[3] != f.date) return Status::invalidInput("the file name's date differs from its date folder");
  if (f.date != "-" && !digits(f.date, 8)) return Status::invalidInput("the date is neither YYYYMMDD nor '-'");
  if (parts[4] != f.dataType) return Status::invalidInput("the file name's data type differs from its data type folder");
  if (!digits(f.timestamp, 17)) return Status::invalidInput("the timestamp is not 17 digits (YYYYMMDDHHMMSSfff)");
  if (name[6] != "1" && name[6] != "0") return Status::invalidInput("the condition flag is neither 1 nor 0");
  return f;
}

Status checkSsmix2Content(const Ssmix2File& file, const hl7v2::Message& message) {
  // PID-3 may repeat (the hospital's id beside others): one repetition must be the file's id.
  bool samePatient = false;
  auto ids = message.repetitions("PID-3");
  for (std::size_t n = 1; ids.ok() && n <= ids.value().size() && !samePatient; ++n) {
    auto id = message.value("PID-3[" + std::to_string(n) + "].1");
    samePatient = id.ok() && id.value() == file.patientId;
  }
  if (!samePatient) return Status::invalidInput("the message's patient id (PID-3) differs from the file's patient id");
  const auto known = messageTypes().find(file.dataType);
  if (known == messageTypes().end()) return Status::okStatus();
  const std::string type = message.type();
  if (std::find(known->second.begin(), known->second.end(), type) == known->second.end()) {
    return Status::invalidInput("the message type " + type + " is not one data type " + file.dataType + " holds");
  }
  return Status::okStatus();
}

std::string_view ssmix2WrittenAt(std::string_view path) {
  const auto parts = hl7v2::ssmix2NameParts(path);
  return parts ? (*parts)[4] : std::string_view();
}

}  // namespace renkei::adapters

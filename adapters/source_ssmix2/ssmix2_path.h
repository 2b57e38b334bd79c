// Where a file sits in SS-MIX2 standardized storage and what its name says:
// <root>/<PID 1-3>/<PID 4-6>/<PID>/<date|->/<data type>/<PID>_<date|->_<data type>_<order no|->_
// <timestamp, 17 digits>_<department|->_<condition flag 1|0>. The folders and the name must agree,
// and the message inside must be of the patient and the type they name: a mismatch is reported,
// never delivered (a misfiled message could reach another patient's care team).
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"
#include "renkei/hl7v2/message.h"

namespace renkei::adapters {

struct Ssmix2File {
  std::string patientId;
  std::string date;         ///< YYYYMMDD, or "-" for data without a date (ADT-00, PPR-01 …)
  std::string dataType;     ///< "ADT-22", "OMP-01", "OMD" …
  std::string orderNumber;  ///< or "-"
  std::string timestamp;    ///< YYYYMMDDHHMMSSfff
  std::string department;   ///< or "-"
  bool valid = true;        ///< condition flag 1; 0: the data was cancelled (取消)
};

/// Parses `relativePath` (from the storage root, '/'-separated). InvalidInput naming the part
/// that does not fit (never its value: it holds the patient id).
Result<Ssmix2File> parseSsmix2Path(std::string_view relativePath);

/// The time a file's SS-MIX2 name says it was written (its fifth part, YYYYMMDDHHMMSSfff, which
/// orders one patient's messages); "" for a name of another shape.
std::string_view ssmix2WrittenAt(std::string_view path);

/// Checks that `message` is of the patient and the data type `file` names (PID-3.1, MSH-9);
/// data types whose message types are not known here are not checked.
Status checkSsmix2Content(const Ssmix2File& file, const hl7v2::Message& message);

}  // namespace renkei::adapters

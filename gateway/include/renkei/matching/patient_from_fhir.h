// What a FHIR Patient (R4, JP Core) tells patient matching: identifiers, the kanji (IDE) and kana
// (SYL) names — told apart by the iso21090-EN-representation extension, else by their script —
// birth date, gender, the first address's postal code and city, and the first phone.
#pragma once

#include <rapidjson/document.h>

#include "renkei/matching/patient_record.h"

namespace renkei::matching {

PatientRecord patientRecordFromFhir(const rapidjson::Value& patient);
/// The Patient itself, or the first Patient among a Bundle's entries (nested Bundles too); null
/// when there is none.
const rapidjson::Value* firstPatient(const rapidjson::Value& root);

}  // namespace renkei::matching

// The care directory from a spreadsheet: a ward's list of clinics, visiting-nurse stations, care
// offices, pharmacies and dentists (one row each, as operators keep them in Excel) → a FHIR
// transaction Bundle of PUTs (Organization, its Endpoint when it names a channel, its
// HealthcareService when it lists specialties or home visits) that the organization keeping the
// list posts to the FHIR endpoint. Repeating the import updates the same resources.
#pragma once

#include <string>
#include <string_view>

#include "renkei/core/status.h"
#include "renkei/mapping/csv_reader.h"

namespace renkei::care {

/// The columns, by their English or Japanese header (any order; unknown columns are refused):
/// id (ID), name (名称), kind (種別), municipality (市区町村), address (住所), phone (電話),
/// fax (FAX), institution_code (医療機関コード), care_office_number (介護事業所番号),
/// channel (連携先), channel_address (連携先アドレス), specialties (診療科, ";"-separated),
/// home_visit (往診: yes/no, 可/不可, ○/×). `id` and `name` are required.
inline constexpr const char* kDirectoryColumns =
    "id, name, kind, municipality, address, phone, fax, institution_code, care_office_number, "
    "channel, channel_address, specialties, home_visit";

/// The code system of a HealthcareService's characteristic: home-visit (往診可能) or
/// no-home-visit (往診不可); searched as characteristic=home-visit.
inline constexpr const char* kCharacteristicSystem =
    "https://fhir.renkei.jp/CodeSystem/service-characteristic";

/// The Bundle, or InvalidInput listing every problem with its line (all rows or none).
Result<std::string> directoryBundleFromCsv(std::string_view bytes, mapping::TextEncoding encoding);

}  // namespace renkei::care

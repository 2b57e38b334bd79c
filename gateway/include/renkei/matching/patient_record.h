// What patient matching compares of one person, as a source gave it: identifiers, names in kana
// and kanji, birth date, sex, postal code, municipality and phone. Any width, script or spacing;
// the index normalizes (see match_keys.h).
#pragma once

#include <string>
#include <vector>

namespace renkei::matching {

struct PatientIdentifier {
  /// e.g. urn:oid:1.2.392.100495.20.3.51.1<医療機関コード> for a hospital's patient id, or the
  /// care-insurance 保険者番号 system with 被保険者番号 as the value.
  std::string system;
  std::string value;
};

struct PatientRecord {
  std::vector<PatientIdentifier> identifiers;
  std::string familyKana;  ///< カナ or かな, full or half width
  std::string givenKana;
  std::string familyName;  ///< 漢字 (a tie-breaker: readings differ, variants exist)
  std::string givenName;
  std::string birthDate;   ///< YYYY-MM-DD
  std::string sex;         ///< male, female, other, unknown or empty
  std::string postalCode;  ///< any form: 〒162-0001, 1620001
  std::string municipality;  ///< 団体コード, or the municipality's name (compared as given)
  std::string phone;
};

}  // namespace renkei::matching

// A fax form as data (mappings/forms/<form>/form.json, reference: docs/forms.md): the page and the
// resolution its coordinates are given in, the registration marks, how the form is recognised,
// every field's zone, type and validators, what a blank sheet prints, and the mapping
// (mapping.json beside it) that turns the read fields into canonical FHIR.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "renkei/mapping/mapping.h"

namespace renkei::forms {

/// A rectangle in the template's pixels (x, y of its top-left corner, width, height).
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

enum class FieldType {
  Text,         ///< printed Japanese text on one line (names, organisations)
  Kana,         ///< katakana (フリガナ)
  Digits,       ///< digits only (numbers, codes)
  Phone,        ///< digits and hyphens
  WarekiDate,   ///< 和暦 or Western date as printed (令和6年11月22日, R6.11.22, 2024/11/22)
  Date,         ///< Western date (2024/11/22, 2024-11-22)
  Checkbox,     ///< a group of boxes: exactly one or any of them marked
  FreeText,     ///< clinical free text: read, but always confirmed by a person
  Handwriting,  ///< kept as an image only: a person types it
};
const char* fieldTypeName(FieldType type);
/// The type a template names ("wareki_date"), or nullopt.
std::optional<FieldType> fieldTypeNamed(const std::string& name);

struct CheckOption {
  std::string value;  ///< what the field's value is when this box is marked
  std::string label;  ///< printed beside the box (default: value)
  Box box;
};

struct FieldTemplate {
  std::string name;   ///< the column the mapping reads
  std::string label;  ///< printed in the label cell; shown to the reviewer
  FieldType type = FieldType::Text;
  Box box;                         ///< where the value is written (not for checkboxes)
  std::optional<Box> labelBox;     ///< the printed label's cell (printing only)
  /// "date", "check_digit:ALGO", "code_list:CONCEPTMAP", "dictionary:municipality",
  /// "dictionary:organizations", "pattern:REGEX", "length:N" or "length:MIN-MAX".
  std::vector<std::string> validators;
  std::optional<double> confidence;  ///< this field's acceptance threshold (else the form's)
  bool exactlyOne = true;            ///< checkboxes: exactly one marked, or any number
  std::vector<CheckOption> options;
  std::vector<std::string> samples;  ///< values the sample generator writes (text fields)
};

/// A registration mark: a solid square printed with its centre at (x, y).
struct Mark {
  std::string corner;  ///< top_left, top_right, bottom_left or bottom_right
  double x = 0, y = 0;
};

/// Text and rules printed on the blank sheet only (titles, headings, notes).
struct PrintedText {
  std::string text;
  double x = 0, y = 0, size = 10;
  bool bold = false;
};

struct FormTemplate {
  std::string id, version, title, description, provenance;
  std::string folder;  ///< where it was loaded from
  int width = 0, height = 0;  ///< the page in pixels at `dpi`
  int dpi = 200;
  double markSize = 0;        ///< side of a registration mark in pixels
  std::vector<Mark> marks;    ///< three or four corners
  std::optional<Box> qrBox;   ///< where the identifying QR code is printed ("renkei-form:<id>")
  Box titleBox;               ///< the title's zone: read to recognise a sheet without its code
  double acceptConfidence = 90;
  std::vector<FieldTemplate> fields;
  std::vector<PrintedText> texts;
  /// mapping.json of the form's folder: its layout columns are the field names.
  std::shared_ptr<const mapping::Mapping> mapping;

  const FieldTemplate* field(const std::string& name) const;
  /// The text of the QR code a blank of this form carries.
  std::string qrText() const { return "renkei-form:" + id; }
};

/// The form id a QR code names ("renkei-form:<id>"), or "".
std::string formIdOfCode(const std::string& code);

class FormSet {
 public:
  /// Every <dir>/<form>/form.json (with its mapping.json); every error of every form reported,
  /// a form with errors left out. Several folders: later ones add forms (same id: an error).
  static FormSet load(const std::vector<std::string>& dirs, std::vector<mapping::MappingError>& errors);
  static std::shared_ptr<const FormTemplate> loadOne(const std::string& folder,
                                                     std::vector<mapping::MappingError>& errors);

  const FormTemplate* byId(const std::string& id) const;
  const std::vector<std::shared_ptr<const FormTemplate>>& all() const { return forms_; }

 private:
  std::vector<std::shared_ptr<const FormTemplate>> forms_;
};

/// The shipped forms folder: $RENKEI_FORMS_DIR, else the source tree's mappings/forms.
std::string defaultFormsDir();

}  // namespace renkei::forms

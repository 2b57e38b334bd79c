// What makes a read field trustworthy: the validators a form template names per field, their
// verdicts on a value, and the reading's clean-up by type (spaces out of digits, NFKC). Only some
// validators can prove a value (a check digit, a code of the list, a dictionary hit, a date that
// exists); a pattern or a length can only refuse one.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/form_template.h"
#include "renkei/mapping/transforms.h"

namespace renkei::forms {

struct Verdict {
  std::string validator;  ///< as the template names it ("check_digit:luhn")
  bool passed = false;
  bool proves = false;    ///< passed, and the kind of check that proves a value right
  std::string note;       ///< why it failed, or what it matched (never the value itself)
};

struct ValidationContext {
  const mapping::Mapping* mapping = nullptr;   ///< the form's mapping: its ConceptMaps are code lists
  mapping::MunicipalityResolver municipalities;
  /// dictionary:organizations — true when the directory knows an organization of this name;
  /// unset: the validator says it could not check (it neither proves nor refuses).
  std::function<bool(const std::string&)> organizationKnown;
};

/// Ok when `spec` is a validator this build knows, with a valid argument (a regex that compiles,
/// a ConceptMap of `mapping`, a known check-digit algorithm or dictionary).
Status checkValidatorSpec(const std::string& spec, const mapping::Mapping* mapping);

/// The text without leading and trailing words made only of marks a ruling or a speck reads as
/// (' | 「 。 ー …); words are split at spaces and line breaks (a free text's lines join with one space).
std::string withoutStrayMarks(const std::string& text);

/// The text Tesseract gave, cleaned for the field's type: NFKC, spaces out of numbers, dates and
/// kana, hyphen look-alikes to '-' in phone numbers, '/'-separated dates kept as read.
std::string cleanReading(FieldType type, const std::string& text);

/// The verdict of every validator the field names, plus "date" for date fields.
std::vector<Verdict> validate(const FieldTemplate& field, const std::string& value, const ValidationContext& context);

/// True when no verdict refuses the value and at least one proves it.
bool proven(const std::vector<Verdict>& verdicts);
/// True when some verdict refuses the value.
bool refused(const std::vector<Verdict>& verdicts);

/// The entries of the field's code lists (its code_list validators' ConceptMap source codes).
std::vector<std::string> codeList(const FieldTemplate& field, const ValidationContext& context);

/// Check digits by name: "luhn" (weights 2,1 from the right, digit sums, modulus 10: health and
/// long-term-care insurer numbers) and "mod11_jlg" (全国地方公共団体コード: weights 6..2,
/// modulus 11). The digit to append to `digits`, or -1 for an unknown algorithm or a non-digit.
int checkDigit(const std::string& algorithm, const std::string& digits);

}  // namespace renkei::forms

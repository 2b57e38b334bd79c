// Reading filled forms: each page identified (the form's QR code, else its title read where each
// template has it), registered, and every field read for its type, cleaned and validated. A field
// is accepted only when its confidence reaches the template's threshold and a validator proves
// it; free text and handwriting always go to a person, and so does anything a validator refuses
// after a second reading at another scale and threshold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/field_validators.h"
#include "renkei/forms/form_template.h"
#include "renkei/forms/ocr_engine.h"
#include "renkei/forms/page_images.h"
#include "renkei/forms/registration.h"

namespace renkei::forms {

struct FieldReading {
  std::string name;
  FieldType type = FieldType::Text;
  std::string value;
  double confidence = 0;  ///< 0–100
  std::vector<Verdict> verdicts;
  bool accepted = false;
  std::string reason;     ///< why a person must look (empty when accepted)
  std::string confirmedBy;  ///< the person who confirmed or corrected it ("" for the machine)
  Box pageBox;            ///< where the field is on the page image (page pixels)
};

/// Who a page's patient is, when a reviewer chose them among the organization's known patients
/// (a masked name): the registry record ("system|value") and the reviewer. `patient` is the
/// record's Patient (JSON), looked up before the page is submitted; the stored reading keeps
/// only the record and the reviewer.
struct PatientIdentity {
  std::string record;
  std::string identifiedBy;
  std::string patient;
};

struct PageReading {
  int page = 0;           ///< 1-based
  std::string form;       ///< the template's id; "" when no form was recognised
  std::string problem;    ///< why the page could not be read as a form ("" when it was)
  bool upsideDown = false;
  uint32_t width = 0, height = 0;  ///< of the page as read
  GrayPage image;         ///< the page as read (turned upright), for evidence and review
  std::vector<FieldReading> fields;
  std::optional<PatientIdentity> identity;  ///< set by a reviewer (see PatientIdentity)

  /// Every field accepted and the page read as a form.
  bool complete() const;
};

struct ReaderOptions {
  std::string form;              ///< read every page as this form ("" = identify each page)
  ImageLimits limits;
  ValidationContext context;     ///< the mapping is set per form by the reader
};

class FormReader {
 public:
  FormReader(const FormSet& forms, OcrEngine& ocr) : forms_(forms), ocr_(ocr) {}

  /// Every page of the file; an error only when the file is not an image within the limits.
  Result<std::vector<PageReading>> read(const std::string& bytes, const ReaderOptions& options);
  /// One page (turned upright in place when it lies upside down).
  PageReading readPage(GrayPage page, int number, const ReaderOptions& options);

 private:
  const FormTemplate* identify(GrayPage& page, const ReaderOptions& options, std::string& problem);
  FieldReading readField(const GrayPage& page, const Registration& where, const FormTemplate& form,
                         const FieldTemplate& field, const ValidationContext& context);
  /// The reading's text with each run of digits read again by the digits engine (kept when the
  /// count differs); `agree` false when a run reads otherwise.
  std::string digitsReadAgain(const GrayPage& zone, const LineReading& line, int dpi, bool& agree);
  FieldReading readCheckboxes(const GrayPage& page, const Registration& where, const FieldTemplate& field);

  const FormSet& forms_;
  OcrEngine& ocr_;
};

/// The readings as JSON: {"pages":[{"page","form","fields":[{"name","value","confidence",
/// "validators","status"}]}]} (status "accepted" or "review"; plus each field's reason and box,
/// and a page's problem).
std::string readingsJson(const std::vector<PageReading>& pages);
/// The same for one page (without copying it and its image).
std::string readingsJson(const PageReading& page);

/// Readings back from readingsJson (pages without their images): a stored review item.
/// InvalidInput when the text is not such JSON.
Result<std::vector<PageReading>> readingsFromJson(const std::string& json);

/// The fields' values by name (what the form's mapping reads).
std::map<std::string, std::string> fieldValues(const PageReading& page);

}  // namespace renkei::forms

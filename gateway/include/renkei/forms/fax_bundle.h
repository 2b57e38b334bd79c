// The canonical Bundle of one read fax page: the form's mapping applied to the page's field
// values, and the evidence beside it — the original image (Binary), a DocumentReference holding
// it and the reading (every field's value, confidence, verdicts and who confirmed it, as JSON),
// and a Provenance naming the OCR and every person who confirmed a field as agents of every
// resource the page became.
#pragma once

#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/form_reader.h"
#include "renkei/forms/form_template.h"

namespace renkei::forms {

struct FaxEvidence {
  std::string image;           ///< the received file's bytes
  std::string fileName;
  std::string sha256;          ///< of the image
  int64_t receivedMs = 0;
  std::vector<std::string> confirmedBy;  ///< reviewers' names, in order
};

/// The resources the form's mapping makes of the page's values (a collection Bundle, JSON),
/// without the evidence. InvalidInput (with the mapping's row problems, never the values) when
/// they do not map: a required field empty, a code outside its list, a date that does not exist
/// (those fields named in `failedFields` when given).
Result<std::string> mappedPageBundle(const FormTemplate& form, const PageReading& page,
                                     std::vector<std::string>* failedFields = nullptr);

/// The mapped resources (the page's patient identified when a reviewer chose who it is:
/// patient_identity.h) with the evidence. InvalidInput as mappedPageBundle, or when the chosen
/// patient cannot be applied.
Result<std::string> faxPageBundle(const FormTemplate& form, const PageReading& page, const FaxEvidence& evidence);

/// The image's media type from its first bytes (image/tiff, image/png, image/jpeg,
/// application/pdf; application/octet-stream else).
std::string imageContentType(const std::string& bytes);

}  // namespace renkei::forms

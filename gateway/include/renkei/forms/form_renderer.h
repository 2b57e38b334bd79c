// Drawing a form from its template: the blank sheet a user prints (PDF and PNG: marks, QR code,
// title, labels, boxes, check boxes) and the same sheet filled with values (sample pages and the
// review page's reference), optionally turned and shifted as a fax machine would.
#pragma once

#include <map>
#include <string>

#include "renkei/core/status.h"
#include "renkei/forms/fax_pages.h"
#include "renkei/forms/form_template.h"

namespace renkei::forms {

struct RenderOptions {
  double scale = 1;           ///< output pixels per template pixel
  double rotateDegrees = 0;   ///< about the page centre
  double shiftX = 0, shiftY = 0;  ///< output pixels
  double valuePoints = 12;    ///< the typed values' size
};

/// The form as a gray image; `values` by field name (a checkbox field's value names its marked
/// options, comma-separated). Empty `values`: the blank sheet.
Result<GrayPage> renderFormImage(const FormTemplate& form, const std::map<std::string, std::string>& values,
                                 const RenderOptions& options = {});

/// The blank sheet as a one-page PDF (the template's page at its resolution).
Result<std::string> renderBlankPdf(const FormTemplate& form);

/// A gray image as PNG bytes.
Result<std::string> encodePng(const GrayPage& page);

}  // namespace renkei::forms

// Synthetic filled forms for tests, demos and the accuracy floor: values drawn for each field of
// a template (its samples, or values of its type that pass its validators: check digits, lengths,
// dates that exist) and the page degraded as a fax machine does it — skew, shift, specks,
// 1-bit, fine (204 × 196 dpi) or standard (204 × 98 dpi) resolution, fed upside down.
#pragma once

#include <map>
#include <random>
#include <string>

#include "renkei/core/status.h"
#include "renkei/forms/fax_pages.h"
#include "renkei/forms/form_template.h"

namespace renkei::forms {

struct FaxDegradation {
  bool standard = false;      ///< standard mode: every other row, 98 lines an inch
  double maxSkewDegrees = 2;  ///< a skew drawn uniformly in ±this
  double maxShift = 24;       ///< a shift drawn uniformly in ±this many pixels, each axis
  double specks = 0.0015;     ///< share of pixels turned black at random
  bool upsideDown = false;
};

/// Values for every field (checkbox fields: a marked option, or for "any" one or two).
std::map<std::string, std::string> sampleValues(const FormTemplate& form, std::mt19937& random);

/// The filled form as one fax page (TIFF G4 bytes) degraded as asked.
Result<std::string> sampleFax(const FormTemplate& form, const std::map<std::string, std::string>& values,
                              const FaxDegradation& degradation, std::mt19937& random);

}  // namespace renkei::forms

// A field's zone made ready for Tesseract: binarized, the box's ruling lines that the sampling
// caught at its edges removed, specks removed (Leptonica), a white margin added; and the ink a
// zone carries, for blank fields and check boxes.
#pragma once

#include <vector>

#include "renkei/forms/fax_pages.h"

namespace renkei::forms {

struct CleanZone {
  GrayPage image;     ///< 0 or 255 only
  double ink = 0;     ///< dark share of the cleaned zone, 0–1
};

/// `threshold`: gray values below it are ink. `speck`: components no wider and no taller than
/// this many pixels are noise.
CleanZone cleanZone(const GrayPage& zone, int threshold = 160, int speck = 5);

/// The runs of columns with ink, left to right ([first, last] column), each with the rows its ink
/// spans: the glyphs of typed text, which keeps a gap between characters (a kanji of separate
/// parts may be several).
struct InkSpan {
  int x0 = 0, x1 = 0, y0 = 0, y1 = 0;
};
std::vector<InkSpan> inkSpans(const GrayPage& zone);

/// Dark share (below 128) of a zone as sampled, nothing removed (check boxes).
double darkShare(const GrayPage& zone);

}  // namespace renkei::forms

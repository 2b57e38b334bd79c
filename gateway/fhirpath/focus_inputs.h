// Which children of the focus an expression reads. When it reads the focus only through
// named children (no $this, %context, %resource, children() or functions applied to the focus
// itself), its result on a focus that has none of those children is a constant, which the
// invariant engine computes once instead of per element.
#pragma once

#include <string_view>
#include <vector>

#include "program.h"

namespace renkei::fhirpath {

struct FocusInputs {
  bool onlyNamedChildren = false;
  std::vector<std::string_view> names;  ///< member names read directly from the focus

  /// True when `focus` has a child that one of `names` may select (choice elements by prefix).
  bool anyPresent(const fhir::Node& focus) const;
};

FocusInputs focusInputs(const Program& program);

}  // namespace renkei::fhirpath

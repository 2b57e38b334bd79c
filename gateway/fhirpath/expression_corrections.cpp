// The table of published R4 invariant corrections (see expression_corrections.h).
#include "expression_corrections.h"

namespace renkei::fhirpath {
namespace {

struct Correction {
  std::string_view key;  ///< empty: any constraint with this exact expression
  std::string_view published;
  std::string_view corrected;
};

constexpr Correction kCorrections[] = {
    // ref-1 is empty (so failing) for a Reference with only a display or identifier, and fails
    // for "#", the reference from a contained resource to its container.
    {"ref-1",
     "reference.startsWith('#').not() or (reference.substring(1).trace('url') in "
     "%rootResource.contained.id.trace('ids'))",
     "reference.exists() implies (reference = '#' or reference.startsWith('#').not() or "
     "(reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids')))"},
    // dom-6 (narrative as a best practice) is meant for the outer resource, not contained ones.
    {"dom-6", "text.`div`.exists()", "(%rootResource != $this) or text.`div`.exists()"},
    // Two enableWhen conditions already need enableBehavior.
    {"que-12", "enableWhen.count() > 2 implies enableBehavior.exists()",
     "enableWhen.count() >= 2 implies enableBehavior.exists()"},
    // Computable names: matches() finds a substring, so the pattern must be anchored.
    {"", "name.matches('[A-Z]([A-Za-z0-9_]){0,254}')",
     "name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')"},
    {"eld-20", R"(path.matches('[A-Za-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*(\\[x])?)*'))",
     R"(path.matches('^[A-Za-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*(\\[x])?)*$'))"},
    {"eld-19",
     R"(path.matches('[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\.[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\[x\\])?(\\:[^\\s\\.]+)?)*'))",
     R"(path.matches('^[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\.[^\\s\\.,:;\\\'"\\/|?!@#$%&*()\\[\\]{}]{1,64}(\\[x\\])?(\\:[^\\s\\.]+)?)*$'))"},
};

}  // namespace

std::string_view correctedInvariant(std::string_view key, std::string_view expression) {
  for (const Correction& c : kCorrections) {
    if ((c.key.empty() || c.key == key) && c.published == expression) return c.corrected;
  }
  return expression;
}

}  // namespace renkei::fhirpath

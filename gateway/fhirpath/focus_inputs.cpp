// Focus input analysis (see focus_inputs.h).
#include "focus_inputs.h"

#include <algorithm>

namespace renkei::fhirpath {
namespace {

class Collector {
 public:
  explicit Collector(FocusInputs& out) : out_(out) {}

  /// `atFocus`: the node is evaluated in the outermost frame, where a path start is the focus.
  void visit(const AstNode& n, bool atFocus) {
    if (!out_.onlyNamedChildren) return;
    switch (n.kind) {
      case AstKind::Literal:
      case AstKind::EmptySet:
      case AstKind::Index:
      case AstKind::Total:
        return;
      case AstKind::This:
        if (atFocus) out_.onlyNamedChildren = false;
        return;
      case AstKind::Variable:
        if (n.variable != VariableKind::Constant) out_.onlyNamedChildren = false;
        return;
      case AstKind::Member:
        if (n.source != nullptr) {
          visit(*n.source, atFocus);
        } else if (atFocus) {
          if (n.mayNameType) {
            out_.onlyNamedChildren = false;  // "Patient.x" reads the focus's type
            return;
          }
          if (std::find(out_.names.begin(), out_.names.end(), n.name) == out_.names.end()) {
            out_.names.push_back(n.name);
          }
        }
        return;
      case AstKind::Function: {
        if (n.source != nullptr) {
          visit(*n.source, atFocus);
        } else if (atFocus) {
          out_.onlyNamedChildren = false;  // exists(), where(...), iif(...) on the focus itself
          return;
        }
        const FunctionInfo& info = functionInfo(n.function);
        for (std::size_t i = 0; i < n.argCount; ++i) {
          const ArgMode mode = info.modes[std::min<std::size_t>(i, 2)];
          if (mode == ArgMode::Type) continue;
          // Lambda arguments iterate over the function's input, not the focus.
          visit(n.arg(i), mode == ArgMode::Value && atFocus);
        }
        return;
      }
      case AstKind::Indexer:
        visit(*n.source, atFocus);
        visit(n.arg(0), atFocus);
        return;
      case AstKind::Negate:
      case AstKind::Is:
      case AstKind::As:
        visit(n.arg(0), atFocus);
        return;
      case AstKind::Binary:
        visit(n.arg(0), atFocus);
        visit(n.arg(1), atFocus);
        return;
    }
  }

 private:
  FocusInputs& out_;
};

}  // namespace

bool FocusInputs::anyPresent(const fhir::Node& focus) const {
  for (const fhir::Node* c = focus.firstChild; c; c = c->next) {
    for (std::string_view name : names) {
      if (c->name.size() >= name.size() && c->name.compare(0, name.size(), name) == 0) return true;
    }
  }
  return false;
}

FocusInputs focusInputs(const Program& program) {
  FocusInputs out;
  out.onlyNamedChildren = true;
  Collector(out).visit(*program.root, true);
  if (!out.onlyNamedChildren) out.names.clear();
  return out;
}

}  // namespace renkei::fhirpath

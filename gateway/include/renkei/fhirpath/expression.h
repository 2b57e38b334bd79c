// A compiled FHIRPath expression: parsed and checked once (at configuration load, or when a
// profile is loaded), then evaluated any number of times from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/fhir/definitions.h"

namespace renkei::fhirpath {

struct CompileOptions {
  /// FHIR type information: element types, `is`/`as`/`ofType` with FHIR types, choice elements.
  /// Without it, elements are untyped and primitives are typed by their JSON form.
  std::shared_ptr<const fhir::Definitions> definitions;
  /// The type of the focus when known ("Patient", "HumanName"): enables the checks below.
  std::string contextType;
  /// Unknown element names on a known type are errors (otherwise they select nothing).
  bool strict = false;
  /// Order-dependent functions (first(), skip(), [n]) on unordered input (children(),
  /// descendants()) are errors.
  bool checkOrderedFunctions = false;
  /// `as` and as() filter collections of several items instead of failing; the R4 core
  /// invariants (dom-3) rely on this older behaviour.
  bool collectionAs = false;
  /// Names of the %variables the caller will supply (anything else is a compile error).
  std::vector<std::string> variables;
  std::size_t maxLength = 64 * 1024;  ///< expression text limit
  uint32_t maxDepth = 200;            ///< nesting limit (parentheses, calls, operators)
};

struct Program;

class Expression {
 public:
  /// Parses and checks `text`: syntax errors and semantic errors (unknown functions, wrong
  /// argument counts, unknown types or variables, strict-mode element checks) come back as
  /// InvalidInput with the line:column of the problem.
  static Result<Expression> compile(std::string_view text, const CompileOptions& options = {});

  const std::string& text() const;
  const Program& program() const { return *program_; }

 private:
  explicit Expression(std::shared_ptr<const Program> p) : program_(std::move(p)) {}
  std::shared_ptr<const Program> program_;
};

}  // namespace renkei::fhirpath

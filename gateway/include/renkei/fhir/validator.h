// Validates FHIR R4 resources against the base specification, the profiles they declare and
// profiles the caller names. Thread-safe: one Validator serves every thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "renkei/fhir/definitions.h"
#include "renkei/fhir/document.h"
#include "renkei/fhir/invariant_evaluator.h"
#include "renkei/fhir/issue.h"

namespace renkei::fhir {

struct ValidationOptions {
  /// Profiles the root resource must also conform to (canonical URLs).
  std::vector<std::string> profiles;
  /// Contained resources need not be referenced, and their ids are not checked for length.
  bool lenientContained = false;
  /// Accept example.org / example.com URLs in url elements (rejected by default, as the
  /// reference validator does: they mark sample data that should not reach production).
  bool allowExampleUrls = false;
  /// Report unknown extensions as warnings instead of errors.
  bool allowUnknownExtensions = false;
  /// Look for active content (script, event handlers) in strings and markdown.
  bool securityChecks = false;
  /// Report HTML tags in markdown (they would be escaped by a renderer, or worse, not).
  bool noHtmlInMarkdown = false;
  /// Stop collecting after this many issues (a final issue says so).
  std::size_t maxIssues = 1000;
};

struct ValidationResult {
  std::vector<Issue> issues;
  bool valid() const;
  std::size_t errorCount() const;
};

/// Constraint keys the validator checks with native code instead of their FHIRPath: element
/// content (ele-1), narrative (txt-1, txt-2, dom-6), extension shape (ext-1), local references
/// (ref-1, dom-3).
bool isNativelyCheckedConstraint(std::string_view key);

class Validator {
 public:
  explicit Validator(std::shared_ptr<const Definitions> definitions,
                     std::shared_ptr<const InvariantEvaluator> invariants = nullptr);

  /// Validates a parsed document; structural issues the reader found are included, and every
  /// issue with an offset gets its line and column.
  ValidationResult validate(const Document& document, const ValidationOptions& options = {}) const;
  /// Validates a resource node that did not come from text (no positions).
  ValidationResult validate(const Node& resource, const ValidationOptions& options = {}) const;

  const Definitions& definitions() const { return *definitions_; }

 private:
  std::shared_ptr<const Definitions> definitions_;
  std::shared_ptr<const InvariantEvaluator> invariants_;
};

}  // namespace renkei::fhir

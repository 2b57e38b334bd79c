// Public validation entry points: run the walk, merge reader issues, drop duplicates found by
// both the base and a profile walk, and locate issues in the source text.
#include "renkei/fhir/validator.h"

#include <unordered_set>

#include "validation_run.h"

namespace renkei::fhir {
namespace {

void dropDuplicates(std::vector<Issue>& issues) {
  std::unordered_set<std::string> seen;
  std::vector<Issue> kept;
  kept.reserve(issues.size());
  for (Issue& i : issues) {
    std::string key;
    key.reserve(i.expression.size() + i.message.size() + 4);
    key += static_cast<char>('0' + static_cast<int>(i.severity));
    key += i.expression;
    key += '\x1f';
    key += i.message;
    if (seen.insert(std::move(key)).second) kept.push_back(std::move(i));
  }
  issues = std::move(kept);
}

}  // namespace

bool ValidationResult::valid() const { return errorCount() == 0; }

std::size_t ValidationResult::errorCount() const {
  std::size_t n = 0;
  for (const Issue& i : issues) n += isErrorOrFatal(i.severity);
  return n;
}

Validator::Validator(std::shared_ptr<const Definitions> definitions,
                     std::shared_ptr<const InvariantEvaluator> invariants)
    : definitions_(std::move(definitions)), invariants_(std::move(invariants)) {}

ValidationResult Validator::validate(const Document& document,
                                     const ValidationOptions& options) const {
  ValidationResult result;
  result.issues = document.issues();
  if (document.root() != nullptr) {
    ValidationRun run(*definitions_, invariants_.get(), options, &document, result.issues);
    run.validateRoot(*document.root());
  }
  if (result.issues.size() > 1) dropDuplicates(result.issues);
  document.locate(result.issues);
  return result;
}

ValidationResult Validator::validate(const Node& resource, const ValidationOptions& options) const {
  ValidationResult result;
  ValidationRun run(*definitions_, invariants_.get(), options, nullptr, result.issues);
  run.validateRoot(resource);
  if (result.issues.size() > 1) dropDuplicates(result.issues);
  return result;
}

}  // namespace renkei::fhir

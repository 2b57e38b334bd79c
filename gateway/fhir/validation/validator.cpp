// Public validation entry points: run the walk, merge reader issues, drop duplicates found by
// both the base and a profile walk, and locate issues in the source text.
#include "renkei/fhir/validator.h"

#include <algorithm>
#include <tuple>

#include "validation_run.h"

namespace renkei::fhir {

bool isNativelyCheckedConstraint(std::string_view key) {
  return key == "ele-1" || key == "txt-1" || key == "txt-2" || key == "ext-1" || key == "dom-3" ||
         key == "dom-6" || key == "ref-1";
}
namespace {

// The base walk and a profile walk can report the same finding twice; keep the first of each.
void dropDuplicates(std::vector<Issue>& issues) {
  std::vector<std::size_t> order(issues.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto key = [&](std::size_t i) {
    return std::tie(issues[i].severity, issues[i].expression, issues[i].message);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  std::vector<char> drop(issues.size(), 0);
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (key(order[k]) == key(order[k - 1])) drop[order[k]] = 1;
  }
  std::size_t w = 0;
  for (std::size_t i = 0; i < issues.size(); ++i) {
    if (!drop[i]) {
      if (w != i) issues[w] = std::move(issues[i]);
      ++w;
    }
  }
  issues.resize(w);
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
    if (run.walkedTwice() && result.issues.size() > 1) dropDuplicates(result.issues);
  }
  document.locate(result.issues);
  // Report in source order (the base walk and profile walks interleave otherwise).
  std::stable_sort(result.issues.begin(), result.issues.end(), [](const Issue& a, const Issue& b) {
    return a.offset != kNoOffset && (b.offset == kNoOffset || a.offset < b.offset);
  });
  return result;
}

ValidationResult Validator::validate(const Node& resource, const ValidationOptions& options) const {
  ValidationResult result;
  ValidationRun run(*definitions_, invariants_.get(), options, nullptr, result.issues);
  run.validateRoot(resource);
  if (run.walkedTwice() && result.issues.size() > 1) dropDuplicates(result.issues);
  return result;
}

}  // namespace renkei::fhir

// Invariants on FHIRPath (see invariants.h).
#include "renkei/fhirpath/invariants.h"

#include <string>
#include <vector>

#include "expression_corrections.h"

namespace renkei::fhirpath {
namespace {

/// Evaluators for the current thread, one per nesting level (conformsTo() validates, and that
/// validation evaluates invariants again while the outer evaluation's results are still live).
class EvaluatorLease {
 public:
  EvaluatorLease() {
    if (depth_ == pool_.size()) pool_.push_back(std::make_unique<Evaluator>());
    evaluator_ = pool_[depth_++].get();
  }
  ~EvaluatorLease() { --depth_; }
  /// conformsTo() chains deeper than this are refused (a profile that checks itself).
  bool tooDeep() const { return depth_ > 8; }
  EvaluatorLease(const EvaluatorLease&) = delete;
  EvaluatorLease& operator=(const EvaluatorLease&) = delete;
  Evaluator& operator*() { return *evaluator_; }

 private:
  static thread_local std::vector<std::unique_ptr<Evaluator>> pool_;
  static thread_local std::size_t depth_;
  Evaluator* evaluator_;
};

thread_local std::vector<std::unique_ptr<Evaluator>> EvaluatorLease::pool_;
thread_local std::size_t EvaluatorLease::depth_ = 0;

}  // namespace

FhirPathInvariants::FhirPathInvariants(std::shared_ptr<const fhir::Definitions> definitions)
    : definitions_(std::move(definitions)) {
  CompileOptions options;
  options.definitions = definitions_;
  options.collectionAs = true;
  // Identical expressions (dom-2 ... dom-6 on every resource) compile once.
  std::unordered_map<std::string, std::shared_ptr<const Result<Expression>>> byText;
  for (const fhir::StructureDef* sd : definitions_->structures()) {
    for (const fhir::ElementDef& d : sd->elements) {
      for (const fhir::Constraint& c : d.constraints) {
        if (c.expression.empty()) continue;
        const std::string_view text = correctedInvariant(c.key, c.expression);
        if (text != c.expression) ++corrected_;
        auto& shared = byText[std::string(text)];
        if (!shared) {
          shared = std::make_shared<const Result<Expression>>(Expression::compile(text, options));
          if (!shared->ok()) failures_.push_back(c.key + ": " + shared->status().message());
        }
        compiled_.emplace(&c, shared);
      }
    }
  }
}

Result<bool> FhirPathInvariants::holds(const fhir::Constraint& constraint, const fhir::Node& focus,
                                       const fhir::InvariantScope& scope) const {
  auto found = compiled_.find(&constraint);
  if (found == compiled_.end()) return Status::notFound("constraint " + constraint.key + " was not compiled");
  const Result<Expression>& expr = *found->second;
  if (!expr.ok()) return expr.status();
  const bool resourceRoot = scope.sd == nullptr || (focus.isResource() && scope.element == 0);
  const Item item = resourceRoot ? resourceItem(definitions_.get(), focus)
                                 : elementItem(*scope.sd, scope.element, focus, scope.typeIndex);
  Environment env;
  env.resource = scope.resource;
  env.rootResource = scope.rootResource;
  env.conformsTo = conformsTo_;
  EvaluatorLease evaluator;
  if (evaluator.tooDeep()) return Status::tooLarge("conformsTo() nested too deeply");
  auto result = (*evaluator).evaluate(expr.value(), item, env);
  if (!result.ok()) return result.status();
  auto verdict = asBoolean(*result);
  if (!verdict.ok()) return verdict.status();
  return verdict->value_or(false);
}

std::shared_ptr<const fhir::Validator> makeValidator(
    std::shared_ptr<const fhir::Definitions> definitions) {
  auto invariants = std::make_shared<FhirPathInvariants>(definitions);
  auto validator = std::make_shared<fhir::Validator>(definitions, invariants);
  // The validator owns the invariants; the check refers back to it without owning it.
  const fhir::Validator* raw = validator.get();
  invariants->setConformanceCheck([raw, definitions](const Item& item, std::string_view url) -> Result<bool> {
    if (definitions->structure(url) == nullptr) {
      return Status::notFound("unknown profile " + std::string(url));
    }
    if (!item.isNode()) return false;
    fhir::ValidationOptions options;
    options.profiles.emplace_back(url);
    return raw->validate(*item.node.node, options).valid();
  });
  return validator;
}

}  // namespace renkei::fhirpath

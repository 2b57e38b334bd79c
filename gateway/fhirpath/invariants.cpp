// Invariants on FHIRPath (see invariants.h).
#include "renkei/fhirpath/invariants.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "expression_corrections.h"
#include "focus_inputs.h"
#include "quick_verdict.h"

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

/// A compiled constraint and, when it reads the focus only through named children, its
/// verdict for a focus that has none of them.
struct FhirPathInvariants::Compiled {
  Result<Expression> expression;
  FocusInputs inputs;
  std::optional<bool> verdictWhenAbsent;
};

FhirPathInvariants::FhirPathInvariants(std::shared_ptr<const fhir::Definitions> definitions)
    : definitions_(std::move(definitions)) {
  // Identical expressions compile once per structure type: dom-2 ... dom-6 are shared by the
  // elements of one resource type but not across types, so each compiled program sees one
  // focus type and its member lookups stay cached. Nothing is compiled here: a start-up that
  // validates one resource compiles the few expressions it evaluates.
  std::unordered_map<std::string, Slot*> byText;
  slots_.assign(definitions_->constraintCount(), {nullptr, nullptr});
  for (const fhir::StructureDef* sd : definitions_->structures()) {
    for (const fhir::ElementDef& d : sd->elements) {
      for (const fhir::Constraint& c : d.constraints) {
        if (c.expression.empty()) continue;
        const std::string_view text = correctedInvariant(c.key, c.expression);
        if (text != c.expression) ++corrected_;
        Slot*& slot = byText[sd->type + '\n' + std::string(text)];
        if (slot == nullptr) {
          slotStorage_.push_back(std::make_unique<Slot>());
          slot = slotStorage_.back().get();
          slot->text = std::string(text);
        }
        slots_[c.id] = {&c, slot};
      }
    }
  }
}

FhirPathInvariants::~FhirPathInvariants() = default;

const FhirPathInvariants::Compiled& FhirPathInvariants::compiledFor(Slot& slot) const {
  if (const Compiled* ready = slot.compiled.load(std::memory_order_acquire)) return *ready;
  std::lock_guard lock(compileMutex_);
  if (const Compiled* ready = slot.compiled.load(std::memory_order_relaxed)) return *ready;
  CompileOptions options;
  options.definitions = definitions_;
  options.collectionAs = true;
  auto compiled = std::make_unique<Compiled>(Compiled{Expression::compile(slot.text, options), {}, {}});
  if (compiled->expression.ok()) precompute(*compiled);
  slot.owner = std::move(compiled);
  slot.compiled.store(slot.owner.get(), std::memory_order_release);
  return *slot.owner;
}

std::size_t FhirPathInvariants::compiledCount() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const auto& s) { return s.second != nullptr; }));
}

FhirPathInvariants::Slot* FhirPathInvariants::slotOf(const fhir::Constraint& c) const {
  // A constraint of another definition set may carry the same id.
  return c.id < slots_.size() && slots_[c.id].first == &c ? slots_[c.id].second : nullptr;
}

std::vector<std::string> FhirPathInvariants::failures() const {
  std::vector<std::string> out;
  std::set<const Slot*> reported;
  for (const fhir::StructureDef* sd : definitions_->structures()) {
    for (const fhir::ElementDef& d : sd->elements) {
      for (const fhir::Constraint& c : d.constraints) {
        Slot* slot = slotOf(c);
        if (slot == nullptr || !reported.insert(slot).second) continue;
        const Compiled& compiled = compiledFor(*slot);
        if (!compiled.expression.ok()) out.push_back(c.key + ": " + compiled.expression.status().message());
      }
    }
  }
  return out;
}

void FhirPathInvariants::precompute(Compiled& c) {
  c.inputs = focusInputs(c.expression->program());
  if (!c.inputs.onlyNamedChildren) return;
  // The expression sees nothing but (absent) children: evaluate it once on an empty element.
  static const fhir::Node kEmpty;
  Evaluator evaluator;
  auto result = evaluator.evaluate(*c.expression, Item::ofNode(&kEmpty, nullptr, 0));
  if (!result.ok()) return;
  auto verdict = asBoolean(*result);
  if (verdict.ok()) c.verdictWhenAbsent = verdict->value_or(false);
}

Result<bool> FhirPathInvariants::holds(const fhir::Constraint& constraint, const fhir::Node& focus,
                                       const fhir::InvariantScope& scope) const {
  Slot* slot = slotOf(constraint);
  if (slot == nullptr) return Status::notFound("constraint " + constraint.key + " was not compiled");
  const Compiled& compiled = compiledFor(*slot);
  const Result<Expression>& expr = compiled.expression;
  if (!expr.ok()) return expr.status();
  if (compiled.verdictWhenAbsent && !compiled.inputs.anyPresent(focus)) {
    return *compiled.verdictWhenAbsent;
  }
  if (quickVerdicts_) {
    if (const std::optional<bool> quick = quickVerdict(*expr->program().root, focus, scope.resource, scope.rootResource)) {
      return *quick;
    }
  }
  const Item item = scope.sd == nullptr
                        ? resourceItem(definitions_.get(), focus)
                        : elementItem(*scope.sd, scope.element, focus, scope.typeIndex);
  Environment env;
  env.resource = scope.resource;
  env.rootResource = scope.rootResource;
  env.conformsTo = &conformsTo_;
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
  invariants->setConformanceCheck(conformanceCheck(*validator));
  return validator;
}

ConformanceCheck conformanceCheck(const fhir::Validator& validator) {
  return [&validator](const Item& item, std::string_view url) -> Result<bool> {
    if (validator.definitions().structure(url) == nullptr) {
      return Status::notFound("unknown profile " + std::string(url));
    }
    if (!item.isNode()) return false;
    fhir::ValidationOptions options;
    options.profiles.emplace_back(url);
    return validator.validate(*item.node.node, options).valid();
  };
}

}  // namespace renkei::fhirpath

// The public evaluation entry points (see evaluator.h).
#include "renkei/fhirpath/evaluator.h"

#include "engine.h"
#include "typing.h"

namespace renkei::fhirpath {

struct EvaluationState {
  Arena arena{64 * 1024};
  Collection result;
};

Evaluator::Evaluator() : state_(std::make_unique<EvaluationState>()) {}
Evaluator::~Evaluator() = default;

Result<ItemSpan> Evaluator::evaluate(const Expression& expr, const fhir::Node& resource,
                                     const Environment& env) {
  return evaluate(expr, resourceItem(expr.program().options.definitions.get(), resource), env);
}

Result<ItemSpan> Evaluator::evaluate(const Expression& expr, const Item& focus,
                                     const Environment& env) {
  state_->arena.reset();
  state_->result = Collection{};
  Engine engine(expr.program(), env, state_->arena, memoryLimit, focus);
  Frame frame;
  frame.focus = {&focus, 1};
  frame.thisItem = &focus;
  Status st = engine.eval(*expr.program().root, frame, state_->result);
  if (!st.ok()) return st;
  return state_->result.span();
}

Result<std::optional<bool>> asBoolean(ItemSpan values) {
  if (values.empty()) return std::optional<bool>();
  if (values.size > 1) {
    return Status::invalidInput("expected a single Boolean, got " + std::to_string(values.size) +
                                " items");
  }
  const Item& v = values[0];
  if (v.type == ValueType::Boolean) return std::optional<bool>(v.boolean);
  if (v.isNode() && v.node.node->hasValue()) {
    const bool typedBoolean =
        v.node.sd != nullptr ? definedTypeName(*v.node.sd, v.element, v.typeIndex) == "boolean"
                             : v.node.node->kind == fhir::ValueKind::Boolean;
    if (typedBoolean) return std::optional<bool>(v.node.node->value == "true");
  }
  return std::optional<bool>(true);
}

}  // namespace renkei::fhirpath

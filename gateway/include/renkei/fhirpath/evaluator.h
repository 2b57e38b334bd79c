// Runs compiled expressions over parsed resources. An Evaluator holds the scratch memory of
// one thread: results stay valid until its next evaluate() call. Expressions and the
// resources they read are shared read-only, so each thread needs only its own Evaluator.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/fhir/node.h"
#include "renkei/fhirpath/expression.h"
#include "renkei/fhirpath/value.h"

namespace renkei::fhir {
class Definitions;
}

namespace renkei::fhirpath {

/// Answers conformsTo(): does `item` conform to the profile `url`? NotFound when the profile is
/// unknown (an evaluation error, as the specification requires).
using ConformanceCheck = std::function<Result<bool>(const Item& item, std::string_view url)>;
/// Receives trace() output. The gateway never logs traced values by default: they may hold
/// patient data.
using TraceSink = std::function<void(std::string_view name, ItemSpan values)>;

/// What an evaluation sees besides its focus.
struct Environment {
  const fhir::Node* resource = nullptr;      ///< %resource (defaults to the focus resource)
  const fhir::Node* rootResource = nullptr;  ///< %rootResource (defaults to %resource)
  /// Values of the caller's %variables, in the order of CompileOptions::variables.
  std::vector<std::vector<Item>> variables;
  /// conformsTo() (nullptr: an evaluation error) and trace() (nullptr: values are dropped);
  /// both must outlive the evaluation.
  const ConformanceCheck* conformsTo = nullptr;
  const TraceSink* trace = nullptr;
  /// The value of now() (and today(), timeOfDay()); the current time when unset.
  std::optional<Temporal> now;
};

struct EvaluationState;

class Evaluator {
 public:
  Evaluator();
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  /// Evaluates with `resource` as the focus. Evaluation errors (single() on many items, type
  /// errors, regular expressions over their time limit) come back as InvalidInput with the
  /// position in the expression; memory beyond `memoryLimit` is TooLarge.
  Result<ItemSpan> evaluate(const Expression& expr, const fhir::Node& resource,
                            const Environment& env = {});
  /// Evaluates with any item (an element typed by its definition) as the focus.
  Result<ItemSpan> evaluate(const Expression& expr, const Item& focus, const Environment& env = {});

  /// Bytes of scratch memory one evaluation may use.
  std::size_t memoryLimit = 256u << 20;

 private:
  std::unique_ptr<EvaluationState> state_;
};

/// The item for a resource node, typed by its resource type's base definition.
Item resourceItem(const fhir::Definitions* definitions, const fhir::Node& resource);
/// The item for an element typed by element `element` of `sd`, with its type at `typeIndex`.
Item elementItem(const fhir::StructureDef& sd, uint32_t element, const fhir::Node& node,
                 uint8_t typeIndex = 0);

/// FHIRPath's boolean reading of a result: empty is unknown (nullopt), a single Boolean is its
/// value, any other single item is true; several items are an error.
Result<std::optional<bool>> asBoolean(ItemSpan values);

}  // namespace renkei::fhirpath

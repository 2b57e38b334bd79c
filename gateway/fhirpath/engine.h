// The evaluation machinery shared by the operators and the function library: collections in
// the evaluator's arena, frames ($this, $index, $total), typed navigation of input nodes and
// the conversion of FHIR primitives to System values.
#pragma once

#include <optional>
#include <string>

#include "program.h"
#include "renkei/fhir/element_navigator.h"
#include "renkei/fhir/reference_resolution.h"
#include "renkei/fhirpath/evaluator.h"

namespace renkei::fhirpath {

/// A growable collection whose storage lives in the evaluator's arena.
struct Collection {
  Item* data = nullptr;
  uint32_t size = 0;
  uint32_t capacity = 0;

  ItemSpan span() const { return {data, size}; }
  bool empty() const { return size == 0; }
  const Item& operator[](std::size_t i) const { return data[i]; }
};

struct Frame {
  ItemSpan focus;                 ///< what a path's first step applies to
  const Item* thisItem = nullptr;  ///< $this
  int64_t index = -1;             ///< $index (-1: not in an iteration)
  const Collection* total = nullptr;  ///< $total inside aggregate()
};

/// The state of one evaluate() call.
class Engine {
 public:
  Engine(const Program& program, const Environment& env, Arena& arena, std::size_t memoryLimit,
         const Item& context);

  Status eval(const AstNode& n, const Frame& frame, Collection& out);
  /// Like eval(), but literals, $this and {} are viewed in place instead of copied into
  /// `storage` (operands of operators and function arguments).
  Status evalSpan(const AstNode& n, const Frame& frame, Collection& storage, ItemSpan& out) {
    switch (n.kind) {
      case AstKind::Literal: out = {&n.literal, 1}; return {};
      case AstKind::EmptySet: out = {}; return {};
      case AstKind::This:
        out = frame.thisItem ? ItemSpan{frame.thisItem, 1} : ItemSpan{};
        return {};
      default: {
        Status st = eval(n, frame, storage);
        out = storage.span();
        return st;
      }
    }
  }
  /// What a member or function applies to: its source's value, or the frame's focus.
  Status inputOf(const AstNode& n, const Frame& frame, Collection& storage, ItemSpan& items) {
    if (n.source == nullptr) {
      items = frame.focus;
      return {};
    }
    return evalSpan(*n.source, frame, storage, items);
  }
  /// Evaluates a lambda argument for one item of `input`.
  Status evalFor(const AstNode& n, const Frame& outer, ItemSpan input, std::size_t i,
                 Collection& out);

  void push(Collection& c, const Item& item) {
    if (c.size == c.capacity) grow(c, c.size + 1);
    c.data[c.size++] = item;
  }
  void append(Collection& c, ItemSpan items) {
    if (c.size + items.size > c.capacity) grow(c, c.size + static_cast<uint32_t>(items.size));
    for (const Item& i : items) c.data[c.size++] = i;
  }

  /// An evaluation error at `at` ("... (at 1:12)").
  Status error(const AstNode& at, const std::string& message) const;

  Arena& arena() { return arena_; }
  const Program& program() const { return program_; }
  const Environment& env() const { return env_; }
  const fhir::Definitions* definitions() const { return defs_; }
  const Item& context() const { return context_; }

  std::string_view copyString(std::string_view s) { return arena_.copy(s); }
  Item makeDecimal(const Decimal& d) { return Item::ofDecimal(arena_.make<Decimal>(d)); }
  Item makeTemporal(const Temporal& t) { return Item::ofTemporal(arena_.make<Temporal>(t)); }
  Item makeQuantity(const Quantity& q) { return Item::ofQuantity(arena_.make<Quantity>(q)); }
  Item makeString(std::string_view s) { return Item::ofString(copyString(s)); }

  // --- typed navigation of input nodes (items.cpp) ---
  /// The FHIR type name of a node item ("HumanName", "code", "Patient"); empty when untyped.
  std::string_view fhirType(const Item& item) const;
  /// Children named `name` in FHIRPath terms (a choice element by its name without suffix).
  /// `site` (a Member node) remembers the definition lookup between evaluations.
  void members(const Item& parent, std::string_view name, Collection& out,
               const AstNode* site = nullptr);
  /// Every child element (children()).
  void children(const Item& parent, Collection& out);
  /// The System value of a primitive or Quantity node, or the item itself when it has none
  /// (complex elements). nullopt for a primitive without a value (only extensions).
  std::optional<Item> value(const Item& item);
  /// True for nodes that are FHIR primitives (by definition, or by their JSON form).
  bool isPrimitive(const Item& item) const;
  /// Does `item` have type `type` (`exact`: no specializations, except of abstract types)?
  bool hasType(const Item& item, const TypeSpecifier& type, bool exact) const;
  /// The resource item for a node that holds a resource.
  Item resource(const fhir::Node& n) const;

  /// The value of now() for this evaluation (fixed for its duration).
  const Temporal& now();
  /// The reference index of a Bundle (built once per evaluation).
  const fhir::BundleIndex& bundleIndex(const fhir::Node& bundle);

 private:
  void grow(Collection& c, uint32_t needed);
  fhir::ElementScope scopeOf(const Item& item) const;
  Item childItem(const fhir::ElementScope& scope, uint32_t index, const fhir::Node& child,
                 uint8_t typeIndex) const;

  const Program& program_;
  const Environment& env_;
  Arena& arena_;
  std::size_t memoryLimit_;
  const fhir::Definitions* defs_;
  std::optional<fhir::ElementNavigator> nav_;
  Item context_;
  std::optional<Temporal> now_;
  const fhir::Node* indexedBundle_ = nullptr;
  std::optional<fhir::BundleIndex> bundleIndex_;
};

/// A function call being evaluated: its node, where its arguments are evaluated, and its input.
struct Call {
  Engine& engine;
  const AstNode& node;
  const Frame& frame;
  ItemSpan input;
  Collection& out;

  /// Evaluates value argument `i` in the caller's frame.
  Status arg(std::size_t i, Collection& values) { return engine.eval(node.arg(i), frame, values); }
  /// The same, viewing literals in place (see Engine::evalSpan).
  Status argSpan(std::size_t i, Collection& storage, ItemSpan& values) {
    return engine.evalSpan(node.arg(i), frame, storage, values);
  }
  /// Argument `i` as a single String / Integer (nullopt: empty); an error when it is not one.
  Result<std::optional<std::string_view>> stringArg(std::size_t i);
  Result<std::optional<int64_t>> integerArg(std::size_t i);
  /// The input as one String (nullopt: empty input); an error for other types or many items.
  Result<std::optional<std::string_view>> inputString();
  /// The input as one System value (nullopt: empty); an error for several items.
  Result<std::optional<Item>> inputValue();
  Status error(const std::string& message) const {
    return engine.error(node, std::string(node.name) + "(): " + message);
  }
};

// Function groups, each in its own file; they return Unsupported for ids they do not handle.
Status callFunction(Call& c);
Status existenceFunction(Call& c);
Status subsettingFunction(Call& c);
Status conversionFunction(Call& c);
Status stringFunction(Call& c);
Status mathFunction(Call& c);
Status temporalFunction(Call& c);
Status typeFunction(Call& c);
Status fhirFunction(Call& c);

/// `is` / `as` (operators and functions alike) applied to `input`.
Status applyTypeOperator(Engine& e, const AstNode& n, ItemSpan input, bool isTest,
                         Collection& out);

// Operators (operators.cpp).
Status evalBinary(Engine& e, const AstNode& n, const Frame& frame, Collection& out);
Status evalNegate(Engine& e, const AstNode& n, ItemSpan operand, Collection& out);

}  // namespace renkei::fhirpath

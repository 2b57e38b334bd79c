// Type functions: ofType(), is(), as(), type().
#include "engine.h"

namespace renkei::fhirpath {
Status applyTypeOperator(Engine& e, const AstNode& n, ItemSpan input, bool isTest,
                         Collection& out) {
  if (input.size > 1 && (isTest || !e.program().options.collectionAs)) {
    return e.error(n, std::string(isTest ? "is" : "as") + " needs a single item, not " +
                          std::to_string(input.size));
  }
  for (const Item& i : input) {
    if (isTest) {
      e.push(out, Item::ofBoolean(e.hasType(i, *n.type, false)));
    } else if (e.hasType(i, *n.type, true)) {
      e.push(out, i);
    }
  }
  return {};
}

Status typeFunction(Call& c) {
  using F = FunctionId;
  Engine& e = c.engine;
  switch (c.node.function) {
    case F::OfType:
      for (const Item& i : c.input) {
        if (e.hasType(i, *c.node.type, true)) e.push(c.out, i);
      }
      return {};
    case F::Is:
    case F::As:
      return applyTypeOperator(e, c.node, c.input, c.node.function == F::Is, c.out);
    case F::Type:
      for (const Item& i : c.input) {
        TypeInfo info = i.isNode() ? TypeInfo{"FHIR", e.fhirType(i)}
                                   : TypeInfo{"System", systemTypeName(i.type)};
        if (info.name.empty()) info.name = "Element";
        e.push(c.out, Item::ofTypeInfo(e.arena().make<TypeInfo>(info)));
      }
      return {};
    default:
      return c.error("not a type function");
  }
}

}  // namespace renkei::fhirpath

// Static typing for the compile-time checks (see analyzer.h). Types are tracked as sets of
// possible element definitions or System types; "any" switches the checks off.
#include "analyzer.h"

#include "lexer.h"
#include "typing.h"

namespace renkei::fhirpath {
namespace {

struct StaticType {
  bool system = false;
  ValueType systemType = ValueType::Node;
  const fhir::StructureDef* sd = nullptr;
  uint32_t element = 0;
  uint8_t typeIndex = 0;
};

struct StaticSet {
  std::vector<StaticType> types;
  bool any = false;
  bool ordered = true;
  const char* unorderedBy = nullptr;

  static StaticSet anything() {
    StaticSet s;
    s.any = true;
    return s;
  }
  static StaticSet system(ValueType t) {
    StaticSet s;
    s.types.push_back({true, t});
    return s;
  }
  void add(const StaticType& t) {
    if (types.size() >= 64) {
      any = true;
      return;
    }
    types.push_back(t);
  }
  void merge(const StaticSet& o) {
    any = any || o.any;
    for (const StaticType& t : o.types) add(t);
  }
};

class Analyzer {
 public:
  explicit Analyzer(const Program& p) : p_(p), defs_(p.options.definitions.get()) {
    if (defs_ != nullptr) nav_.emplace(*defs_);
  }

  Status run() {
    StaticSet context = StaticSet::anything();
    if (defs_ != nullptr && !p_.options.contextType.empty()) {
      if (const fhir::StructureDef* sd = defs_->baseType(p_.options.contextType)) {
        context = StaticSet{};
        context.add({false, ValueType::Node, sd, 0, 0});
      }
    }
    context_ = context;
    StaticSet out;
    return analyze(*p_.root, context, context, out);
  }

 private:
  Status fail(const AstNode& at, const std::string& message) const {
    return Status::invalidInput("error at " + describePosition(p_.text, at.offset) + ": " + message);
  }

  std::string_view typeName(const StaticType& t) const {
    return t.system ? std::string_view("System value") : definedTypeName(*t.sd, t.element, t.typeIndex);
  }

  StaticSet ofTypeSpecifier(const TypeSpecifier& t) const {
    if (t.system) return StaticSet::system(t.systemType);
    if (t.sd == nullptr || t.abstract) return StaticSet::anything();
    StaticSet s;
    s.add({false, ValueType::Node, t.sd, 0, 0});
    return s;
  }

  Status member(const AstNode& n, const StaticSet& input, StaticSet& out) {
    out.any = input.any;
    out.ordered = input.ordered;
    out.unorderedBy = input.unorderedBy;
    for (const StaticType& t : input.types) {
      if (t.system) {
        if (p_.options.strict) {
          return fail(n, "'" + std::string(n.name) + "' cannot be selected from a System value");
        }
        continue;
      }
      const std::string_view type = typeName(t);
      if (n.mayNameType && (type == n.name || (t.element == 0 && defs_->specializes(type, n.name)))) {
        out.add(t);
        continue;
      }
      const fhir::ElementScope scope = childScopeOf(*nav_, *t.sd, t.element, t.typeIndex);
      uint32_t index = 0;
      const fhir::ElementDef* d = findMember(scope, n.name, index);
      if (d == nullptr) {
        if (const fhir::ElementDef* choice = choiceSpelledWithType(scope, n.name)) {
          return fail(n, "'" + std::string(n.name) + "' is not an element of " + std::string(type) +
                             ": the choice element is '" + choice->choicePrefix +
                             "' (select a type with ofType())");
        }
        if (p_.options.strict) {
          return fail(n, "'" + std::string(n.name) + "' is not an element of " + std::string(type));
        }
        continue;
      }
      const fhir::ElementDef& effective = effectiveDefinition(*scope.sd, index);
      for (std::size_t k = 0; k < effective.types.size(); ++k) {
        if (isAnyResourceType(effective.types[k].code)) {
          out.any = true;
        } else {
          out.add({false, ValueType::Node, scope.sd, index, static_cast<uint8_t>(k)});
        }
      }
    }
    return {};
  }

  Status function(const AstNode& n, const StaticSet& focus, const StaticSet& thisSet,
                  StaticSet& out) {
    using F = FunctionId;
    StaticSet input;
    if (n.source != nullptr) {
      RENKEI_RETURN_IF_ERROR(analyze(*n.source, focus, thisSet, input));
    } else {
      input = focus;
    }
    const FunctionInfo& info = functionInfo(n.function);
    if (p_.options.checkOrderedFunctions && info.needsOrder && !input.ordered) {
      return fail(n, std::string(n.name) + "() needs an ordered input, but " +
                         (input.unorderedBy ? input.unorderedBy : "its input") + " is unordered");
    }
    std::vector<StaticSet> args(n.argCount);
    for (std::size_t i = 0; i < n.argCount; ++i) {
      const ArgMode mode = info.modes[std::min<std::size_t>(i, 2)];
      if (mode == ArgMode::Type) continue;
      if (mode == ArgMode::Lambda) {
        RENKEI_RETURN_IF_ERROR(analyze(n.arg(i), input, input, args[i]));
      } else {
        RENKEI_RETURN_IF_ERROR(analyze(n.arg(i), focus, thisSet, args[i]));
      }
    }
    switch (n.function) {
      case F::Where: case F::First: case F::Last: case F::Tail: case F::Skip: case F::Take:
      case F::Single: case F::Distinct: case F::Trace: case F::Intersect: case F::Exclude:
      case F::Sort:
        out = input;
        break;
      case F::Select: out = args[0]; break;
      case F::OfType: case F::As: out = ofTypeSpecifier(*n.type); break;
      case F::Union: case F::Combine:
        out = input;
        out.merge(args[0]);
        break;
      case F::Children: case F::Descendants:
        out = StaticSet::anything();
        out.ordered = false;
        out.unorderedBy = n.function == F::Children ? "children()" : "descendants()";
        break;
      case F::Iif:
        if (p_.options.strict && !args[0].any && !args[0].types.empty()) {
          for (const StaticType& t : args[0].types) {
            if (!(t.system && t.systemType == ValueType::Boolean) &&
                !(!t.system && typeName(t) == "boolean")) {
              return fail(n, "the criterion of iif() must be a Boolean");
            }
          }
        }
        out = StaticSet::anything();
        break;
      default:
        out = StaticSet::anything();
        break;
    }
    return {};
  }

  Status analyze(const AstNode& n, const StaticSet& focus, const StaticSet& thisSet, StaticSet& out) {
    out = StaticSet{};
    switch (n.kind) {
      case AstKind::Literal:
        out = n.literal.type == ValueType::Node ? StaticSet::anything()
                                                : StaticSet::system(n.literal.type);
        return {};
      case AstKind::EmptySet: out = StaticSet{}; return {};
      case AstKind::This: out = thisSet; return {};
      case AstKind::Variable:
        out = n.variable == VariableKind::Context ? context_
              : n.variable == VariableKind::Constant ? StaticSet::system(ValueType::String)
                                                     : StaticSet::anything();
        return {};
      case AstKind::Member: {
        StaticSet input;
        if (n.source != nullptr) {
          RENKEI_RETURN_IF_ERROR(analyze(*n.source, focus, thisSet, input));
        } else {
          input = focus;
        }
        if (defs_ == nullptr) {
          out = StaticSet::anything();
          return {};
        }
        return member(n, input, out);
      }
      case AstKind::Function: return function(n, focus, thisSet, out);
      case AstKind::Indexer: {
        StaticSet index;
        RENKEI_RETURN_IF_ERROR(analyze(*n.source, focus, thisSet, out));
        if (p_.options.checkOrderedFunctions && !out.ordered) {
          return fail(n, "an index needs an ordered input");
        }
        return analyze(n.arg(0), focus, thisSet, index);
      }
      case AstKind::Negate: return analyze(n.arg(0), focus, thisSet, out);
      case AstKind::Binary: {
        StaticSet l, r;
        RENKEI_RETURN_IF_ERROR(analyze(n.arg(0), focus, thisSet, l));
        RENKEI_RETURN_IF_ERROR(analyze(n.arg(1), focus, thisSet, r));
        if (n.op == BinaryOp::Union) {
          out = l;
          out.merge(r);
        } else {
          out = StaticSet::anything();
        }
        return {};
      }
      case AstKind::Is:
      case AstKind::As: {
        StaticSet operand;
        RENKEI_RETURN_IF_ERROR(analyze(n.arg(0), focus, thisSet, operand));
        out = n.kind == AstKind::Is ? StaticSet::system(ValueType::Boolean) : ofTypeSpecifier(*n.type);
        return {};
      }
      default:
        out = StaticSet::anything();
        return {};
    }
  }

  const Program& p_;
  const fhir::Definitions* defs_;
  std::optional<fhir::ElementNavigator> nav_;
  StaticSet context_;
};

}  // namespace

Status analyzeProgram(const Program& program) { return Analyzer(program).run(); }

}  // namespace renkei::fhirpath

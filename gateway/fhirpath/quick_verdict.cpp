// Invariants decided without the engine (see quick_verdict.h).
#include "quick_verdict.h"

#include <array>
#include <cctype>

#include "functions.h"

namespace renkei::fhirpath {
namespace {

/// What a sub-expression gave: a boolean, the empty collection, or "ask the engine".
enum class Truth { False, True, Empty, Unknown };

/// The nodes a path selects: at most kMax, else the path is left to the engine.
struct Nodes {
  static constexpr std::size_t kMax = 32;
  std::array<const fhir::Node*, kMax> at;  ///< only the first `size` are set
  std::size_t size = 0;
  bool known = true;
};

bool present(const fhir::Node& n) { return n.hasValue() || n.hasChildren(); }

/// What the expression is evaluated on: the focus, and the resources %resource and
/// %rootResource name (null when not known).
struct Scope {
  const fhir::Node* focus;
  const fhir::Node* resource;
  const fhir::Node* rootResource;

  Scope on(const fhir::Node& item) const { return {&item, resource, rootResource}; }
};

Truth evaluate(const AstNode& n, const Scope& scope);

/// The present children of `parent` named `name`. A present child whose name extends it
/// ("valueString" for "value") may be a choice element's: the engine decides that with the
/// definitions, so the path is unknown.
void childrenNamed(const fhir::Node& parent, std::string_view name, Nodes& out) {
  for (const fhir::Node* c = parent.firstChild; c != nullptr; c = c->next) {
    if (!present(*c)) continue;
    if (fhir::sameName(c->name, name)) {
      if (out.size == Nodes::kMax) {
        out.known = false;
        return;
      }
      out.at[out.size++] = c;
    } else if (c->name.size() > name.size() && c->name.compare(0, name.size(), name) == 0 &&
               std::isupper(static_cast<unsigned char>(c->name[name.size()])) != 0) {
      out.known = false;
      return;
    }
  }
}

/// A path of plain names from the focus ("entry.search") or from %resource / %rootResource, or
/// unknown; into `out`, which starts empty.
void path(const AstNode& n, const Scope& scope, Nodes& out) {
  if (n.kind == AstKind::Variable && (n.variable == VariableKind::Resource || n.variable == VariableKind::RootResource)) {
    const fhir::Node* r = n.variable == VariableKind::Resource ? scope.resource : scope.rootResource;
    if (r == nullptr) {
      out.known = false;
    } else {
      out.at[out.size++] = r;
    }
    return;
  }
  if (n.kind == AstKind::Function && n.function == FunctionId::Where && n.argCount == 1 && n.source != nullptr) {
    // As the engine: the items whose criterion holds (an empty criterion does not), in order.
    Nodes items;
    path(*n.source, scope, items);
    if (!items.known) {
      out.known = false;
      return;
    }
    for (std::size_t i = 0; i < items.size; ++i) {
      const Truth t = evaluate(n.arg(0), scope.on(*items.at[i]));
      if (t == Truth::Unknown) {
        out.known = false;
        return;
      }
      if (t == Truth::True) out.at[out.size++] = items.at[i];
    }
    return;
  }
  if (n.kind != AstKind::Member || n.mayNameType) {
    out.known = false;
    return;
  }
  if (n.source == nullptr) {
    childrenNamed(*scope.focus, n.name, out);
    return;
  }
  Nodes parents;
  path(*n.source, scope, parents);
  if (!parents.known) {
    out.known = false;
    return;
  }
  for (std::size_t i = 0; i < parents.size && out.known; ++i) childrenNamed(*parents.at[i], n.name, out);
}

/// The same, as a value.
Nodes path(const AstNode& n, const Scope& scope) {
  Nodes out;
  path(n, scope, out);
  return out;
}

/// A node's text when it can only be a string-like primitive: text kind, not a resource, and a
/// letter that no number, date, time or boolean is written with.
std::optional<std::string_view> plainText(const fhir::Node& n) {
  if (n.kind != fhir::ValueKind::String || n.isResource() || n.value == "true" || n.value == "false") return std::nullopt;
  for (char c : n.value) {
    if (std::isalpha(static_cast<unsigned char>(c)) != 0 && c != 'T' && c != 'Z' && c != 'e' && c != 'E') {
      return n.value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> stringLiteral(const AstNode& n) {
  if (n.kind != AstKind::Literal || n.literal.type != ValueType::String) return std::nullopt;
  return std::string_view(n.literal.string.data, n.literal.string.size);
}

Truth of(bool b) { return b ? Truth::True : Truth::False; }

/// `=` / `!=` of two booleans (exists() = (…)): both sides are evaluated, as the engine does.
Truth booleanEquality(const AstNode& n, const Scope& scope) {
  const Truth a = evaluate(n.arg(0), scope);
  if (a == Truth::Unknown) return a;
  const Truth b = evaluate(n.arg(1), scope);
  if (b == Truth::Unknown) return b;
  if (a == Truth::Empty || b == Truth::Empty) return Truth::Empty;
  return of((a == b) == (n.op == BinaryOp::Equal));
}

Truth equality(const AstNode& n, const Scope& scope) {
  std::optional<std::string_view> literal = stringLiteral(n.arg(1));
  const AstNode* side = &n.arg(0);
  if (!literal) {
    literal = stringLiteral(n.arg(0));
    side = &n.arg(1);
  }
  if (!literal) return booleanEquality(n, scope);
  if (*literal == "true" || *literal == "false") return Truth::Unknown;
  const Nodes nodes = path(*side, scope);
  if (!nodes.known || nodes.size > 1) return Truth::Unknown;
  if (nodes.size == 0) return Truth::Empty;
  const std::optional<std::string_view> text = plainText(*nodes.at[0]);
  if (!text) return Truth::Unknown;
  return of((*text == *literal) == (n.op == BinaryOp::Equal));
}

/// A calendar date written YYYY-MM or YYYY-MM-DD, valid as such; nullopt for anything else (a
/// year alone could be a number, a time or a zone makes the comparison the engine's).
std::optional<std::string_view> dateText(const fhir::Node& n) {
  if (n.kind != fhir::ValueKind::String || n.isResource()) return std::nullopt;
  const std::string_view v = n.value;
  if (v.size() != 7 && v.size() != 10) return std::nullopt;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? v[i] != '-' : std::isdigit(static_cast<unsigned char>(v[i])) == 0) return std::nullopt;
  }
  const auto digits = [&](std::size_t at, std::size_t count) {
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) value = value * 10 + (v[i] - '0');
    return value;
  };
  const int year = digits(0, 4);
  const int month = digits(5, 2);
  if (year < 1 || month < 1 || month > 12) return std::nullopt;
  if (v.size() == 10) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const int day = digits(8, 2);
    if (day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  }
  return v;
}

/// `<`, `<=`, `>`, `>=` between two paths to dates of the same precision (per-1's
/// "start <= end"): as strings and as dates these compare alike, character by character.
Truth ordering(const AstNode& n, const Scope& scope) {
  const Nodes left = path(n.arg(0), scope);
  if (!left.known || left.size > 1) return Truth::Unknown;
  const Nodes right = path(n.arg(1), scope);
  if (!right.known || right.size > 1) return Truth::Unknown;
  if (left.size == 0 || right.size == 0) return Truth::Empty;
  const std::optional<std::string_view> a = dateText(*left.at[0]);
  const std::optional<std::string_view> b = dateText(*right.at[0]);
  if (!a || !b || a->size() != b->size()) return Truth::Unknown;
  const int order = a->compare(*b);
  switch (n.op) {
    case BinaryOp::Less:
      return of(order < 0);
    case BinaryOp::LessOrEqual:
      return of(order <= 0);
    case BinaryOp::Greater:
      return of(order > 0);
    default:  // GreaterOrEqual
      return of(order >= 0);
  }
}

Truth logic(const AstNode& n, const Scope& scope) {
  const Truth a = evaluate(n.arg(0), scope);
  if (a == Truth::Unknown) return a;
  if ((n.op == BinaryOp::And && a == Truth::False) || (n.op == BinaryOp::Or && a == Truth::True)) return a;
  if (n.op == BinaryOp::Implies && a == Truth::False) return Truth::True;
  const Truth b = evaluate(n.arg(1), scope);
  if (b == Truth::Unknown) return b;
  const bool known = a != Truth::Empty && b != Truth::Empty;
  switch (n.op) {
    case BinaryOp::And:
      return b == Truth::False ? Truth::False : known ? Truth::True : Truth::Empty;
    case BinaryOp::Or:
      return b == Truth::True ? Truth::True : known ? Truth::False : Truth::Empty;
    case BinaryOp::Xor:
      return known ? of(a != b) : Truth::Empty;
    default:  // implies: the left is true or empty here
      return b == Truth::True ? Truth::True : known ? Truth::False : Truth::Empty;
  }
}

/// A string-valued term of `&` on one item: a path to at most one string-like node, or a text
/// literal; empty counts as '' (as `&` treats it).
std::optional<std::string_view> concatTerm(const AstNode& n, const Scope& scope) {
  if (std::optional<std::string_view> literal = stringLiteral(n)) return literal;
  const Nodes nodes = path(n, scope);
  if (!nodes.known || nodes.size > 1) return std::nullopt;
  if (nodes.size == 0) return std::string_view();
  return plainText(*nodes.at[0]);
}

using TextPair = std::pair<std::string_view, std::string_view>;

/// Whether x.first + x.second equals y.first + y.second, without joining them.
bool sameConcatenation(const TextPair& x, const TextPair& y) {
  const std::size_t size = x.first.size() + x.second.size();
  if (size != y.first.size() + y.second.size()) return false;
  auto at = [](const TextPair& p, std::size_t k) { return k < p.first.size() ? p.first[k] : p.second[k - p.first.size()]; };
  for (std::size_t k = 0; k < size; ++k) {
    if (at(x, k) != at(y, k)) return false;
  }
  return true;
}

/// `items.select(a & b).isDistinct()` (bdl-7): one text per item, all different.
Truth distinctConcatenations(const AstNode& select, const Scope& scope) {
  const AstNode& projection = select.arg(0);
  if (projection.kind != AstKind::Binary || projection.op != BinaryOp::Concatenate) return Truth::Unknown;
  const Nodes items = path(*select.source, scope);
  if (!items.known) return Truth::Unknown;
  std::array<TextPair, Nodes::kMax> texts;
  for (std::size_t i = 0; i < items.size; ++i) {
    const Scope on = scope.on(*items.at[i]);
    const std::optional<std::string_view> left = concatTerm(projection.arg(0), on);
    const std::optional<std::string_view> right = left ? concatTerm(projection.arg(1), on) : std::nullopt;
    if (!right) return Truth::Unknown;
    texts[i] = {*left, *right};
    for (std::size_t j = 0; j < i; ++j) {
      if (sameConcatenation(texts[j], texts[i])) return Truth::False;
    }
  }
  return Truth::True;
}

Truth function(const AstNode& n, const Scope& scope) {
  if (n.source == nullptr) return Truth::Unknown;
  if (n.function == FunctionId::IsDistinct && n.argCount == 0 && n.source->kind == AstKind::Function &&
      n.source->function == FunctionId::Select && n.source->argCount == 1 && n.source->source != nullptr) {
    return distinctConcatenations(*n.source, scope);
  }
  if (n.function == FunctionId::Not && n.argCount == 0) {
    const Truth t = evaluate(*n.source, scope);
    return t == Truth::True ? Truth::False : t == Truth::False ? Truth::True : t;
  }
  const Nodes nodes = path(*n.source, scope);
  if (!nodes.known) return Truth::Unknown;
  switch (n.function) {
    case FunctionId::All: {
      // As the engine: the criterion on each item in turn, stopping at the first that does not
      // hold (an empty criterion does not).
      if (n.argCount != 1) return Truth::Unknown;
      for (std::size_t i = 0; i < nodes.size; ++i) {
        const Truth t = evaluate(n.arg(0), scope.on(*nodes.at[i]));
        if (t == Truth::Unknown) return t;
        if (t != Truth::True) return Truth::False;
      }
      return Truth::True;
    }
    case FunctionId::Exists:
      return n.argCount == 0 ? of(nodes.size > 0) : Truth::Unknown;
    case FunctionId::Empty:
      return of(nodes.size == 0);
    case FunctionId::HasValue:
      if (nodes.size > 1) return Truth::Unknown;
      return of(nodes.size == 1 && nodes.at[0]->hasValue() && !nodes.at[0]->isResource());
    case FunctionId::Contains: {
      const std::optional<std::string_view> part = n.argCount == 1 ? stringLiteral(n.arg(0)) : std::nullopt;
      if (!part || nodes.size > 1) return Truth::Unknown;
      if (nodes.size == 0) return Truth::Empty;
      const std::optional<std::string_view> text = plainText(*nodes.at[0]);
      if (!text) return Truth::Unknown;
      return of(text->find(*part) != std::string_view::npos);
    }
    default:
      return Truth::Unknown;
  }
}

Truth evaluate(const AstNode& n, const Scope& scope) {
  switch (n.kind) {
    case AstKind::Binary:
      switch (n.op) {
        case BinaryOp::And:
        case BinaryOp::Or:
        case BinaryOp::Xor:
        case BinaryOp::Implies:
          return logic(n, scope);
        case BinaryOp::Equal:
        case BinaryOp::NotEqual:
          return equality(n, scope);
        case BinaryOp::Less:
        case BinaryOp::LessOrEqual:
        case BinaryOp::Greater:
        case BinaryOp::GreaterOrEqual:
          return ordering(n, scope);
        default:
          return Truth::Unknown;
      }
    case AstKind::Function:
      return function(n, scope);
    default:
      return Truth::Unknown;
  }
}

}  // namespace

std::optional<bool> quickVerdict(const AstNode& root, const fhir::Node& focus, const fhir::Node* resource,
                                 const fhir::Node* rootResource) {
  switch (evaluate(root, Scope{&focus, resource, rootResource})) {
    case Truth::True:
      return true;
    case Truth::False:
    case Truth::Empty:
      return false;
    case Truth::Unknown:
      break;
  }
  return std::nullopt;
}

}  // namespace renkei::fhirpath

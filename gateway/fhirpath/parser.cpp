// The FHIRPath parser (see parser.h).
#include "parser.h"

#include <array>

#include "lexer.h"
#include "renkei/core/utf8.h"

namespace renkei::fhirpath {
namespace {

struct OperatorInfo {
  std::string_view token;
  bool keyword;
  BinaryOp op;
  int precedence;  // higher binds tighter
};

constexpr int kTypePrecedence = 8;

constexpr OperatorInfo kOperators[] = {
    {"*", false, BinaryOp::Multiply, 10},       {"/", false, BinaryOp::Divide, 10},
    {"div", true, BinaryOp::Div, 10},           {"mod", true, BinaryOp::Mod, 10},
    {"+", false, BinaryOp::Add, 9},             {"-", false, BinaryOp::Subtract, 9},
    {"&", false, BinaryOp::Concatenate, 9},     {"|", false, BinaryOp::Union, 7},
    {"<", false, BinaryOp::Less, 6},            {">", false, BinaryOp::Greater, 6},
    {"<=", false, BinaryOp::LessOrEqual, 6},    {">=", false, BinaryOp::GreaterOrEqual, 6},
    {"=", false, BinaryOp::Equal, 5},           {"!=", false, BinaryOp::NotEqual, 5},
    {"~", false, BinaryOp::Equivalent, 5},      {"!~", false, BinaryOp::NotEquivalent, 5},
    {"in", true, BinaryOp::In, 4},              {"contains", true, BinaryOp::Contains, 4},
    {"and", true, BinaryOp::And, 3},            {"or", true, BinaryOp::Or, 2},
    {"xor", true, BinaryOp::Xor, 2},            {"implies", true, BinaryOp::Implies, 1},
};

constexpr std::string_view kReserved[] = {"and", "or",  "xor",      "implies", "div", "mod",
                                          "in",  "is",  "contains", "as",      "true", "false"};

bool isReserved(std::string_view s) {
  for (std::string_view r : kReserved) {
    if (r == s) return true;
  }
  return false;
}

/// Keywords that may still name a function or element after '.' (the grammar's identifier).
bool isIdentifierKeyword(std::string_view s) {
  return s == "as" || s == "is" || s == "contains" || s == "in";
}

constexpr std::string_view kCalendarUnits[] = {
    "year",  "years",  "month",  "months",  "week",   "weeks",   "day",         "days",
    "hour",  "hours",  "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};

bool isCalendarUnit(std::string_view s) {
  for (std::string_view u : kCalendarUnits) {
    if (u == s) return true;
  }
  return false;
}

struct SystemTypeName {
  std::string_view name;
  ValueType type;
};
constexpr SystemTypeName kSystemTypes[] = {
    {"Boolean", ValueType::Boolean}, {"String", ValueType::String},
    {"Integer", ValueType::Integer}, {"Decimal", ValueType::Decimal},
    {"Date", ValueType::Date},       {"DateTime", ValueType::DateTime},
    {"Time", ValueType::Time},       {"Quantity", ValueType::Quantity},
};

bool isAbstractFhirType(const fhir::StructureDef* sd) { return sd != nullptr && sd->abstract; }

class Parser {
 public:
  explicit Parser(Program& p) : p_(p), lexer_(p.text) {}

  Status run() {
    RENKEI_RETURN_IF_ERROR(advance());
    RENKEI_RETURN_IF_ERROR(advance());
    const AstNode* root = nullptr;
    RENKEI_RETURN_IF_ERROR(expression(0, root));
    if (cur_.kind != TokenKind::End) return unexpected("end of expression");
    p_.root = root;
    return {};
  }

 private:
  Status advance() {
    cur_ = std::move(next_);
    return lexer_.next(next_);
  }

  Status fail(uint32_t offset, const std::string& message) const {
    return Status::invalidInput("syntax error at " + describePosition(p_.text, offset) + ": " +
                                message);
  }

  Status semantic(uint32_t offset, const std::string& message) const {
    return Status::invalidInput("error at " + describePosition(p_.text, offset) + ": " + message);
  }

  Status unexpected(std::string_view expected) const {
    std::string found = cur_.kind == TokenKind::End ? "the end of the expression"
                                                    : "'" + std::string(cur_.text) + "'";
    return fail(cur_.offset, "expected " + std::string(expected) + " but found " + found);
  }

  const OperatorInfo* binaryOperator() const {
    for (const OperatorInfo& o : kOperators) {
      if (o.keyword ? cur_.isKeyword(o.token) : cur_.isSymbol(o.token)) return &o;
    }
    return nullptr;
  }

  const AstNode* const* makeArgs(std::initializer_list<const AstNode*> list) {
    auto** a = static_cast<const AstNode**>(
        p_.arena.allocate(sizeof(AstNode*) * list.size(), alignof(AstNode*)));
    std::size_t i = 0;
    for (const AstNode* n : list) a[i++] = n;
    return a;
  }

  Status expression(int minPrecedence, const AstNode*& out) {
    if (++depth_ > p_.options.maxDepth) {
      return Status::tooLarge("expression nested deeper than " +
                              std::to_string(p_.options.maxDepth) + " levels");
    }
    const AstNode* lhs = nullptr;
    RENKEI_RETURN_IF_ERROR(unary(lhs));
    while (true) {
      if ((cur_.isKeyword("is") || cur_.isKeyword("as")) && kTypePrecedence >= minPrecedence) {
        const bool isOp = cur_.isKeyword("is");
        const uint32_t at = cur_.offset;
        RENKEI_RETURN_IF_ERROR(advance());
        const TypeSpecifier* type = nullptr;
        RENKEI_RETURN_IF_ERROR(typeSpecifier(type));
        AstNode* n = p_.newNode(isOp ? AstKind::Is : AstKind::As, at);
        n->args = makeArgs({lhs});
        n->argCount = 1;
        n->type = type;
        lhs = n;
        continue;
      }
      const OperatorInfo* op = binaryOperator();
      if (op == nullptr || op->precedence < minPrecedence) break;
      const uint32_t at = cur_.offset;
      RENKEI_RETURN_IF_ERROR(advance());
      const AstNode* rhs = nullptr;
      RENKEI_RETURN_IF_ERROR(expression(op->precedence + 1, rhs));
      AstNode* n = p_.newNode(AstKind::Binary, at);
      n->op = op->op;
      n->args = makeArgs({lhs, rhs});
      n->argCount = 2;
      lhs = n;
    }
    --depth_;
    out = lhs;
    return {};
  }

  Status unary(const AstNode*& out) {
    if (cur_.isSymbol("+") || cur_.isSymbol("-")) {
      const bool minus = cur_.isSymbol("-");
      const uint32_t at = cur_.offset;
      RENKEI_RETURN_IF_ERROR(advance());
      if (++depth_ > p_.options.maxDepth) return Status::tooLarge("expression nested too deeply");
      const AstNode* operand = nullptr;
      RENKEI_RETURN_IF_ERROR(unary(operand));
      --depth_;
      if (!minus) {
        out = operand;
        return {};
      }
      AstNode* n = p_.newNode(AstKind::Negate, at);
      n->args = makeArgs({operand});
      n->argCount = 1;
      out = n;
      return {};
    }
    const AstNode* term = nullptr;
    RENKEI_RETURN_IF_ERROR(this->term(term));
    return postfix(term, out);
  }

  Status postfix(const AstNode* source, const AstNode*& out) {
    while (true) {
      if (cur_.isSymbol(".")) {
        RENKEI_RETURN_IF_ERROR(advance());
        const bool identifier =
            cur_.kind == TokenKind::DelimitedIdentifier ||
            (cur_.kind == TokenKind::Identifier &&
             (!isReserved(cur_.text) || isIdentifierKeyword(cur_.text)));
        if (!identifier) return unexpected("a name after '.'");
        RENKEI_RETURN_IF_ERROR(invocation(source, false, source));
      } else if (cur_.isSymbol("[")) {
        const uint32_t at = cur_.offset;
        RENKEI_RETURN_IF_ERROR(advance());
        const AstNode* index = nullptr;
        RENKEI_RETURN_IF_ERROR(expression(0, index));
        if (!cur_.isSymbol("]")) return unexpected("']'");
        RENKEI_RETURN_IF_ERROR(advance());
        AstNode* n = p_.newNode(AstKind::Indexer, at);
        n->source = source;
        n->args = makeArgs({index});
        n->argCount = 1;
        source = n;
      } else {
        out = source;
        return {};
      }
    }
  }

  /// A member or function call named by the current token, applied to `source`.
  Status invocation(const AstNode* source, bool atPathStart, const AstNode*& out) {
    const uint32_t at = cur_.offset;
    const bool delimited = cur_.kind == TokenKind::DelimitedIdentifier;
    std::string_view name = p_.arena.copy(cur_.value);
    RENKEI_RETURN_IF_ERROR(advance());
    if (!delimited && cur_.isSymbol("(")) return functionCall(source, name, at, out);
    AstNode* n = p_.newNode(AstKind::Member, at);
    n->source = source;
    n->name = name;
    // Type names are capitalized; element names never are.
    n->mayNameType = atPathStart && !name.empty() && name[0] >= 'A' && name[0] <= 'Z';
    out = n;
    return {};
  }

  Status functionCall(const AstNode* source, std::string_view name, uint32_t at,
                      const AstNode*& out) {
    const FunctionInfo* f = findFunction(name);
    if (f == nullptr) return semantic(at, "unknown function '" + std::string(name) + "'");
    RENKEI_RETURN_IF_ERROR(advance());  // '('
    std::vector<const AstNode*> args;
    if (!cur_.isSymbol(")")) {
      while (true) {
        const AstNode* a = nullptr;
        RENKEI_RETURN_IF_ERROR(expression(0, a));
        args.push_back(a);
        if (cur_.isSymbol(",")) {
          RENKEI_RETURN_IF_ERROR(advance());
          continue;
        }
        break;
      }
    }
    if (!cur_.isSymbol(")")) return unexpected("')' or ','");
    RENKEI_RETURN_IF_ERROR(advance());
    if (args.size() < f->minArgs || args.size() > f->maxArgs) {
      return semantic(at, std::string(name) + "() takes " +
                              (f->minArgs == f->maxArgs
                                   ? std::to_string(f->minArgs)
                                   : std::to_string(f->minArgs) + " to " +
                                         std::to_string(f->maxArgs)) +
                              " argument(s), not " + std::to_string(args.size()));
    }
    AstNode* n = p_.newNode(AstKind::Function, at);
    n->function = f->id;
    n->name = name;
    n->source = source;
    n->argCount = static_cast<uint8_t>(args.size());
    auto** a = static_cast<const AstNode**>(
        p_.arena.allocate(sizeof(AstNode*) * (args.empty() ? 1 : args.size()), alignof(AstNode*)));
    for (std::size_t i = 0; i < args.size(); ++i) a[i] = args[i];
    n->args = a;
    if (!args.empty() && f->modes[0] == ArgMode::Type) {
      std::string qualified;
      if (!qualifiedName(*args[0], qualified)) {
        return semantic(args[0]->offset, std::string(name) + "() needs a type name");
      }
      std::string error;
      n->type = resolveTypeName(p_, qualified, error);
      if (n->type == nullptr) return semantic(args[0]->offset, error);
    }
    RENKEI_RETURN_IF_ERROR(compileLiteralRegex(*n));
    out = n;
    return {};
  }

  /// The dotted name a type argument was parsed as (`FHIR.Patient` is two member accesses).
  static bool qualifiedName(const AstNode& n, std::string& out) {
    if (n.kind != AstKind::Member) return false;
    if (n.source != nullptr) {
      if (!qualifiedName(*n.source, out)) return false;
      out.push_back('.');
    }
    out.append(n.name);
    return true;
  }

  Status compileLiteralRegex(AstNode& n) {
    const bool regexFunction = n.function == FunctionId::Matches ||
                               n.function == FunctionId::MatchesFull ||
                               n.function == FunctionId::ReplaceMatches;
    if (!regexFunction || n.argCount == 0 || n.args[0]->kind != AstKind::Literal ||
        n.args[0]->literal.type != ValueType::String) {
      return {};
    }
    std::string_view pattern = n.args[0]->literal.str();
    if (pattern.empty()) return {};
    auto re = Regex::compile(pattern, {true});
    if (!re.ok()) return semantic(n.args[0]->offset, re.status().message());
    n.index = static_cast<int32_t>(p_.regexes.size());
    p_.regexes.push_back(std::move(re.value()));
    return {};
  }

  Status typeSpecifier(const TypeSpecifier*& out) {
    if (cur_.kind != TokenKind::Identifier && cur_.kind != TokenKind::DelimitedIdentifier) {
      return unexpected("a type name");
    }
    const uint32_t at = cur_.offset;
    std::string qualified = cur_.value;
    RENKEI_RETURN_IF_ERROR(advance());
    if ((qualified == "System" || qualified == "FHIR") && cur_.isSymbol(".") &&
        (next_.kind == TokenKind::Identifier || next_.kind == TokenKind::DelimitedIdentifier)) {
      RENKEI_RETURN_IF_ERROR(advance());
      qualified += "." + cur_.value;
      RENKEI_RETURN_IF_ERROR(advance());
    }
    std::string error;
    out = resolveTypeName(p_, qualified, error);
    if (out == nullptr) return semantic(at, error);
    return {};
  }

  Status term(const AstNode*& out) {
    const uint32_t at = cur_.offset;
    switch (cur_.kind) {
      case TokenKind::End:
        return unexpected("an expression");
      case TokenKind::String: {
        AstNode* n = p_.newNode(AstKind::Literal, at);
        n->literal = Item::ofString(p_.arena.copy(cur_.value));
        out = n;
        return advance();
      }
      case TokenKind::Integer:
      case TokenKind::Decimal:
        return number(out);
      case TokenKind::DateTime:
        return dateTime(out);
      case TokenKind::Variable:
        return variable(out);
      case TokenKind::Special: {
        AstKind k = cur_.text == "this" ? AstKind::This
                    : cur_.text == "index" ? AstKind::Index
                                           : AstKind::Total;
        out = p_.newNode(k, at);
        return advance();
      }
      case TokenKind::DelimitedIdentifier:
        return invocation(nullptr, true, out);
      case TokenKind::Identifier:
        if (cur_.text == "true" || cur_.text == "false") {
          AstNode* n = p_.newNode(AstKind::Literal, at);
          n->literal = Item::ofBoolean(cur_.text == "true");
          out = n;
          return advance();
        }
        // 'contains', 'in', 'is' and 'as' also name elements and functions ("repeat(contains)").
        if (isReserved(cur_.text) && !isIdentifierKeyword(cur_.text)) {
          return unexpected("an expression");
        }
        return invocation(nullptr, true, out);
      case TokenKind::Symbol:
        break;
    }
    if (cur_.isSymbol("(")) {
      RENKEI_RETURN_IF_ERROR(advance());
      RENKEI_RETURN_IF_ERROR(expression(0, out));
      if (!cur_.isSymbol(")")) return unexpected("')'");
      return advance();
    }
    if (cur_.isSymbol("{")) {
      RENKEI_RETURN_IF_ERROR(advance());
      if (!cur_.isSymbol("}")) return unexpected("'}' (only the empty collection {} is allowed)");
      out = p_.newNode(AstKind::EmptySet, at);
      return advance();
    }
    return unexpected("an expression");
  }

  Status number(const AstNode*& out) {
    const uint32_t at = cur_.offset;
    const bool isInteger = cur_.kind == TokenKind::Integer;
    std::string_view text = cur_.text;
    RENKEI_RETURN_IF_ERROR(advance());
    AstNode* n = p_.newNode(AstKind::Literal, at);
    out = n;
    const bool unitFollows =
        cur_.kind == TokenKind::String ||
        (cur_.kind == TokenKind::Identifier && isCalendarUnit(cur_.text));
    auto value = Decimal::parse(text);
    if (!value) return fail(at, "number '" + std::string(text) + "' has more than 38 digits");
    if (unitFollows) {
      auto* q = p_.arena.make<Quantity>();
      q->value = *value;
      q->calendar = cur_.kind == TokenKind::Identifier;
      q->unit = p_.arena.copy(cur_.value);
      if (!q->calendar && q->unit.empty()) return fail(cur_.offset, "empty unit");
      n->literal = Item::ofQuantity(q);
      return advance();
    }
    if (isInteger) {
      if (value->digits() > 18) {
        return fail(at, "integer '" + std::string(text) + "' is out of range");
      }
      n->literal = Item::ofInteger(static_cast<int64_t>(value->mantissa));
    } else {
      n->literal = Item::ofDecimal(p_.arena.make<Decimal>(*value));
    }
    return {};
  }

  Status dateTime(const AstNode*& out) {
    const uint32_t at = cur_.offset;
    std::string_view text = cur_.text;
    std::optional<Temporal> t;
    if (!text.empty() && text[0] == 'T') {
      t = Temporal::parse(text.substr(1), TemporalKind::Time);
    } else {
      t = Temporal::parse(text, text.find('T') == std::string_view::npos ? TemporalKind::Date
                                                                         : TemporalKind::DateTime);
    }
    if (!t) return fail(at, "invalid date/time literal '@" + std::string(text) + "'");
    AstNode* n = p_.newNode(AstKind::Literal, at);
    n->literal = Item::ofTemporal(p_.arena.make<Temporal>(*t));
    out = n;
    return advance();
  }

  Status variable(const AstNode*& out) {
    const uint32_t at = cur_.offset;
    const std::string name = cur_.value;
    AstNode* n = p_.newNode(AstKind::Variable, at);
    n->name = p_.arena.copy(name);
    out = n;
    auto constant = [&](std::string value) {
      n->variable = VariableKind::Constant;
      n->literal = Item::ofString(p_.arena.copy(value));
    };
    if (name == "context") {
      n->variable = VariableKind::Context;
    } else if (name == "resource") {
      n->variable = VariableKind::Resource;
    } else if (name == "rootResource") {
      n->variable = VariableKind::RootResource;
    } else if (name == "ucum") {
      constant("http://unitsofmeasure.org");
    } else if (name == "sct") {
      constant("http://snomed.info/sct");
    } else if (name == "loinc") {
      constant("http://loinc.org");
    } else if (name.rfind("vs-", 0) == 0) {
      constant("http://hl7.org/fhir/ValueSet/" + name.substr(3));
    } else if (name.rfind("ext-", 0) == 0) {
      constant("http://hl7.org/fhir/StructureDefinition/" + name.substr(4));
    } else {
      const auto& vars = p_.options.variables;
      for (std::size_t i = 0; i < vars.size(); ++i) {
        if (vars[i] == name) {
          n->variable = VariableKind::User;
          n->index = static_cast<int32_t>(i);
          return advance();
        }
      }
      return semantic(at, "unknown variable %" + name);
    }
    return advance();
  }

  Program& p_;
  Lexer lexer_;
  Token cur_, next_;
  uint32_t depth_ = 0;
};

}  // namespace

const TypeSpecifier* resolveTypeName(Program& program, std::string_view qualified,
                                     std::string& error) {
  std::string_view ns, name = qualified;
  if (std::size_t dot = qualified.find('.'); dot != std::string_view::npos) {
    ns = qualified.substr(0, dot);
    name = qualified.substr(dot + 1);
    if (ns != "System" && ns != "FHIR") {
      error = "unknown type namespace '" + std::string(ns) + "'";
      return nullptr;
    }
  }
  auto* t = program.arena.make<TypeSpecifier>();
  t->name = program.arena.copy(name);
  const fhir::Definitions* defs = program.options.definitions.get();
  if (ns != "System") {
    const fhir::StructureDef* sd = defs ? defs->baseType(name) : nullptr;
    if (sd != nullptr || (defs == nullptr && ns == "FHIR")) {
      t->known = true;
      t->sd = sd;
      t->abstract = isAbstractFhirType(sd);
      return t;
    }
  }
  for (const SystemTypeName& s : kSystemTypes) {
    if (s.name == name && ns != "FHIR") {
      t->system = t->known = true;
      t->systemType = s.type;
      return t;
    }
  }
  if (ns == "System") {
    t->system = true;  // an unknown System type: nothing is of that type
    return t;
  }
  if (defs == nullptr && ns.empty()) {
    t->known = true;  // without definitions, FHIR names are matched by name alone
    return t;
  }
  error = "unknown type '" + std::string(qualified) + "'";
  return nullptr;
}

Status parseProgram(Program& program) {
  if (program.text.size() > program.options.maxLength) {
    return Status::tooLarge("expression longer than " +
                            std::to_string(program.options.maxLength) + " bytes");
  }
  if (std::size_t bad = firstInvalidUtf8(program.text); bad != std::string_view::npos) {
    return Status::invalidInput("syntax error at " +
                                describePosition(program.text, static_cast<uint32_t>(bad)) +
                                ": the expression is not valid UTF-8");
  }
  return Parser(program).run();
}

}  // namespace renkei::fhirpath

// The expression walk: literals, variables, paths, indexers, type operators and function
// dispatch (operators and functions live in their own files).
#include "engine.h"

namespace renkei::fhirpath {

Status Engine::evalFor(const AstNode& n, const Frame& outer, ItemSpan input, std::size_t i,
                       Collection& out) {
  Frame f;
  f.focus = {&input[i], 1};
  f.thisItem = &input[i];
  f.index = static_cast<int64_t>(i);
  f.total = outer.total;
  return eval(n, f, out);
}

Status Engine::eval(const AstNode& n, const Frame& frame, Collection& out) {
  switch (n.kind) {
    case AstKind::Literal:
      push(out, n.literal);
      break;
    case AstKind::EmptySet:
      break;
    case AstKind::This:
      if (frame.thisItem != nullptr) push(out, *frame.thisItem);
      break;
    case AstKind::Index:
      if (frame.index >= 0) push(out, Item::ofInteger(frame.index));
      break;
    case AstKind::Total:
      if (frame.total != nullptr) append(out, frame.total->span());
      break;
    case AstKind::Variable:
      switch (n.variable) {
        case VariableKind::Context: push(out, context_); break;
        case VariableKind::Resource:
        case VariableKind::RootResource: {
          const fhir::Node* r = env_.resource;
          if (n.variable == VariableKind::RootResource && env_.rootResource != nullptr) {
            r = env_.rootResource;
          }
          const bool contextIsResource = context_.isNode() && context_.node.node->isResource();
          if (r == nullptr || (contextIsResource && r == context_.node.node)) {
            if (contextIsResource) push(out, context_);  // already typed: no lookup
          } else {
            push(out, resource(*r));
          }
          break;
        }
        case VariableKind::Constant: push(out, n.literal); break;
        case VariableKind::User:
          if (static_cast<std::size_t>(n.index) < env_.variables.size()) {
            const auto& values = env_.variables[static_cast<std::size_t>(n.index)];
            append(out, {values.data(), values.size()});
          }
          break;
      }
      break;
    case AstKind::Member: {
      Collection input;
      ItemSpan items;
      RENKEI_RETURN_IF_ERROR(inputOf(n, frame, input, items));
      for (const Item& item : items) {
        if (item.type == ValueType::TypeInfo) {
          if (n.name == "namespace") push(out, Item::ofString(item.typeInfo->ns));
          if (n.name == "name") push(out, Item::ofString(item.typeInfo->name));
          continue;
        }
        if (n.mayNameType && item.isNode()) {
          const std::string_view type = fhirType(item);
          if (type == n.name || (item.node.node->isResource() && defs_ != nullptr &&
                                 defs_->specializes(type, n.name))) {
            push(out, item);
            continue;
          }
        }
        members(item, n.name, out, &n);
      }
      break;
    }
    case AstKind::Function: {
      Collection input;
      ItemSpan items;
      RENKEI_RETURN_IF_ERROR(inputOf(n, frame, input, items));
      Call call{*this, n, frame, items, out};
      RENKEI_RETURN_IF_ERROR(callFunction(call));
      break;
    }
    case AstKind::Indexer: {
      Collection source, index;
      RENKEI_RETURN_IF_ERROR(eval(*n.source, frame, source));
      RENKEI_RETURN_IF_ERROR(eval(n.arg(0), frame, index));
      if (index.empty()) break;
      if (index.size > 1 || index[0].type != ValueType::Integer) {
        return error(n, "an index must be a single Integer");
      }
      if (index[0].integer >= 0 && static_cast<uint64_t>(index[0].integer) < source.size) {
        push(out, source[static_cast<std::size_t>(index[0].integer)]);
      }
      break;
    }
    case AstKind::Negate: {
      Collection operand;
      RENKEI_RETURN_IF_ERROR(eval(n.arg(0), frame, operand));
      RENKEI_RETURN_IF_ERROR(evalNegate(*this, n, operand.span(), out));
      break;
    }
    case AstKind::Binary:
      RENKEI_RETURN_IF_ERROR(evalBinary(*this, n, frame, out));
      break;
    case AstKind::Is:
    case AstKind::As: {
      Collection operand;
      RENKEI_RETURN_IF_ERROR(eval(n.arg(0), frame, operand));
      RENKEI_RETURN_IF_ERROR(
          applyTypeOperator(*this, n, operand.span(), n.kind == AstKind::Is, out));
      break;
    }
  }
  if (arena_.bytesReserved() > memoryLimit_) {
    return Status::tooLarge("the evaluation needed more memory than its limit");
  }
  return {};
}

Status callFunction(Call& c) {
  using F = FunctionId;
  switch (c.node.function) {
    case F::Empty: case F::Exists: case F::All: case F::AllTrue: case F::AnyTrue:
    case F::AllFalse: case F::AnyFalse: case F::SubsetOf: case F::SupersetOf: case F::Count:
    case F::Distinct: case F::IsDistinct: case F::Not: case F::Where: case F::Select:
    case F::Repeat: case F::Iif: case F::Aggregate: case F::Sort: case F::Trace:
    case F::Children: case F::Descendants:
      return existenceFunction(c);
    case F::Single: case F::First: case F::Last: case F::Tail: case F::Skip: case F::Take:
    case F::Intersect: case F::Exclude: case F::Union: case F::Combine:
      return subsettingFunction(c);
    case F::ToBoolean: case F::ConvertsToBoolean: case F::ToInteger: case F::ConvertsToInteger:
    case F::ToDecimal: case F::ConvertsToDecimal: case F::ToString: case F::ConvertsToString:
    case F::ToDate: case F::ConvertsToDate: case F::ToDateTime: case F::ConvertsToDateTime:
    case F::ToTime: case F::ConvertsToTime: case F::ToQuantity: case F::ConvertsToQuantity:
      return conversionFunction(c);
    case F::IndexOf: case F::Substring: case F::StartsWith: case F::EndsWith: case F::Contains:
    case F::Upper: case F::Lower: case F::Replace: case F::Matches: case F::MatchesFull:
    case F::ReplaceMatches: case F::Length: case F::ToChars: case F::Encode: case F::Decode:
    case F::Escape: case F::Unescape: case F::Trim: case F::Split: case F::Join:
      return stringFunction(c);
    case F::Abs: case F::Ceiling: case F::Exp: case F::Floor: case F::Ln: case F::Log:
    case F::Power: case F::Round: case F::Sqrt: case F::Truncate:
      return mathFunction(c);
    case F::Now: case F::TimeOfDay: case F::Today: case F::LowBoundary: case F::HighBoundary:
    case F::Precision: case F::Comparable:
      return temporalFunction(c);
    case F::OfType: case F::Is: case F::As: case F::Type:
      return typeFunction(c);
    case F::Extension: case F::HasValue: case F::GetValue: case F::Resolve: case F::MemberOf:
    case F::ConformsTo: case F::HtmlChecks:
      return fhirFunction(c);
  }
  return c.error("internal error: function without a dispatcher entry");
}

Result<std::optional<std::string_view>> Call::stringArg(std::size_t i) {
  Collection storage;
  ItemSpan v;
  RENKEI_RETURN_IF_ERROR(argSpan(i, storage, v));
  if (v.empty()) return std::optional<std::string_view>();
  if (v.size > 1) return error("argument " + std::to_string(i + 1) + " has several items");
  auto value = engine.value(v[0]);
  if (!value) return std::optional<std::string_view>();
  if (value->type != ValueType::String) {
    return error("argument " + std::to_string(i + 1) + " must be a String");
  }
  return std::optional<std::string_view>(value->str());
}

Result<std::optional<int64_t>> Call::integerArg(std::size_t i) {
  Collection storage;
  ItemSpan v;
  RENKEI_RETURN_IF_ERROR(argSpan(i, storage, v));
  if (v.empty()) return std::optional<int64_t>();
  if (v.size > 1) return error("argument " + std::to_string(i + 1) + " has several items");
  auto value = engine.value(v[0]);
  if (!value) return std::optional<int64_t>();
  if (value->type != ValueType::Integer) {
    return error("argument " + std::to_string(i + 1) + " must be an Integer");
  }
  return std::optional<int64_t>(value->integer);
}

Result<std::optional<Item>> Call::inputValue() {
  if (input.empty()) return std::optional<Item>();
  if (input.size > 1) {
    return error("the input must be a single item, not " + std::to_string(input.size));
  }
  return engine.value(input[0]);
}

Result<std::optional<std::string_view>> Call::inputString() {
  auto v = inputValue();
  if (!v.ok()) return v.status();
  if (!v->has_value()) return std::optional<std::string_view>();
  if ((*v)->type != ValueType::String) return error("the input must be a String");
  return std::optional<std::string_view>((*v)->str());
}

}  // namespace renkei::fhirpath

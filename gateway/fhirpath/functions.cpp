// The function table (see functions.h).
#include "functions.h"

#include <array>

namespace renkei::fhirpath {
namespace {

using F = FunctionId;
constexpr ArgMode V = ArgMode::Value, L = ArgMode::Lambda, T = ArgMode::Type;

constexpr FunctionInfo kFunctions[] = {
    {"empty", F::Empty, 0, 0, {V, V, V}},
    {"exists", F::Exists, 0, 1, {L, V, V}},
    {"all", F::All, 1, 1, {L, V, V}},
    {"allTrue", F::AllTrue, 0, 0, {V, V, V}},
    {"anyTrue", F::AnyTrue, 0, 0, {V, V, V}},
    {"allFalse", F::AllFalse, 0, 0, {V, V, V}},
    {"anyFalse", F::AnyFalse, 0, 0, {V, V, V}},
    {"subsetOf", F::SubsetOf, 1, 1, {V, V, V}},
    {"supersetOf", F::SupersetOf, 1, 1, {V, V, V}},
    {"count", F::Count, 0, 0, {V, V, V}},
    {"distinct", F::Distinct, 0, 0, {V, V, V}},
    {"isDistinct", F::IsDistinct, 0, 0, {V, V, V}},
    {"where", F::Where, 1, 1, {L, V, V}},
    {"select", F::Select, 1, 1, {L, V, V}},
    {"repeat", F::Repeat, 1, 1, {L, V, V}},
    {"ofType", F::OfType, 1, 1, {T, V, V}},
    {"single", F::Single, 0, 0, {V, V, V}},
    {"first", F::First, 0, 0, {V, V, V}, true},
    {"last", F::Last, 0, 0, {V, V, V}, true},
    {"tail", F::Tail, 0, 0, {V, V, V}, true},
    {"skip", F::Skip, 1, 1, {V, V, V}, true},
    {"take", F::Take, 1, 1, {V, V, V}, true},
    {"intersect", F::Intersect, 1, 1, {V, V, V}},
    {"exclude", F::Exclude, 1, 1, {V, V, V}},
    {"union", F::Union, 1, 1, {V, V, V}},
    {"combine", F::Combine, 1, 1, {V, V, V}},
    {"iif", F::Iif, 2, 3, {L, L, L}},
    {"toBoolean", F::ToBoolean, 0, 0, {V, V, V}},
    {"convertsToBoolean", F::ConvertsToBoolean, 0, 0, {V, V, V}},
    {"toInteger", F::ToInteger, 0, 0, {V, V, V}},
    {"convertsToInteger", F::ConvertsToInteger, 0, 0, {V, V, V}},
    {"toDecimal", F::ToDecimal, 0, 0, {V, V, V}},
    {"convertsToDecimal", F::ConvertsToDecimal, 0, 0, {V, V, V}},
    {"toString", F::ToString, 0, 0, {V, V, V}},
    {"convertsToString", F::ConvertsToString, 0, 0, {V, V, V}},
    {"toDate", F::ToDate, 0, 0, {V, V, V}},
    {"convertsToDate", F::ConvertsToDate, 0, 0, {V, V, V}},
    {"toDateTime", F::ToDateTime, 0, 0, {V, V, V}},
    {"convertsToDateTime", F::ConvertsToDateTime, 0, 0, {V, V, V}},
    {"toTime", F::ToTime, 0, 0, {V, V, V}},
    {"convertsToTime", F::ConvertsToTime, 0, 0, {V, V, V}},
    {"toQuantity", F::ToQuantity, 0, 1, {V, V, V}},
    {"convertsToQuantity", F::ConvertsToQuantity, 0, 1, {V, V, V}},
    {"indexOf", F::IndexOf, 1, 1, {V, V, V}},
    {"substring", F::Substring, 1, 2, {V, V, V}},
    {"startsWith", F::StartsWith, 1, 1, {V, V, V}},
    {"endsWith", F::EndsWith, 1, 1, {V, V, V}},
    {"contains", F::Contains, 1, 1, {V, V, V}},
    {"upper", F::Upper, 0, 0, {V, V, V}},
    {"lower", F::Lower, 0, 0, {V, V, V}},
    {"replace", F::Replace, 2, 2, {V, V, V}},
    {"matches", F::Matches, 1, 1, {V, V, V}},
    {"matchesFull", F::MatchesFull, 1, 1, {V, V, V}},
    {"replaceMatches", F::ReplaceMatches, 2, 2, {V, V, V}},
    {"length", F::Length, 0, 0, {V, V, V}},
    {"toChars", F::ToChars, 0, 0, {V, V, V}},
    {"encode", F::Encode, 1, 1, {V, V, V}},
    {"decode", F::Decode, 1, 1, {V, V, V}},
    {"escape", F::Escape, 1, 1, {V, V, V}},
    {"unescape", F::Unescape, 1, 1, {V, V, V}},
    {"trim", F::Trim, 0, 0, {V, V, V}},
    {"split", F::Split, 1, 1, {V, V, V}},
    {"join", F::Join, 0, 1, {V, V, V}},
    {"abs", F::Abs, 0, 0, {V, V, V}},
    {"ceiling", F::Ceiling, 0, 0, {V, V, V}},
    {"exp", F::Exp, 0, 0, {V, V, V}},
    {"floor", F::Floor, 0, 0, {V, V, V}},
    {"ln", F::Ln, 0, 0, {V, V, V}},
    {"log", F::Log, 1, 1, {V, V, V}},
    {"power", F::Power, 1, 1, {V, V, V}},
    {"round", F::Round, 0, 1, {V, V, V}},
    {"sqrt", F::Sqrt, 0, 0, {V, V, V}},
    {"truncate", F::Truncate, 0, 0, {V, V, V}},
    {"children", F::Children, 0, 0, {V, V, V}},
    {"descendants", F::Descendants, 0, 0, {V, V, V}},
    {"trace", F::Trace, 1, 2, {V, L, V}},
    {"now", F::Now, 0, 0, {V, V, V}},
    {"timeOfDay", F::TimeOfDay, 0, 0, {V, V, V}},
    {"today", F::Today, 0, 0, {V, V, V}},
    {"lowBoundary", F::LowBoundary, 0, 1, {V, V, V}},
    {"highBoundary", F::HighBoundary, 0, 1, {V, V, V}},
    {"precision", F::Precision, 0, 0, {V, V, V}},
    {"comparable", F::Comparable, 1, 1, {V, V, V}},
    {"not", F::Not, 0, 0, {V, V, V}},
    {"is", F::Is, 1, 1, {T, V, V}},
    {"as", F::As, 1, 1, {T, V, V}},
    {"type", F::Type, 0, 0, {V, V, V}},
    {"aggregate", F::Aggregate, 1, 2, {L, V, V}},
    {"sort", F::Sort, 0, 255, {L, L, L}},
    {"extension", F::Extension, 1, 1, {V, V, V}},
    {"hasValue", F::HasValue, 0, 0, {V, V, V}},
    {"getValue", F::GetValue, 0, 0, {V, V, V}},
    {"resolve", F::Resolve, 0, 0, {V, V, V}},
    {"memberOf", F::MemberOf, 1, 1, {V, V, V}},
    {"conformsTo", F::ConformsTo, 1, 1, {V, V, V}},
    {"htmlChecks", F::HtmlChecks, 0, 0, {V, V, V}},
};

constexpr auto kById = [] {
  std::array<const FunctionInfo*, std::size(kFunctions)> byId{};
  for (const FunctionInfo& f : kFunctions) byId[static_cast<std::size_t>(f.id)] = &f;
  return byId;
}();

}  // namespace

const FunctionInfo* findFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FunctionInfo& functionInfo(FunctionId id) { return *kById[static_cast<std::size_t>(id)]; }

}  // namespace renkei::fhirpath

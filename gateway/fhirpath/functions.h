// The FHIRPath function library: each function's name, arity and how its arguments are
// evaluated (once, per input item, or as a type specifier).
#pragma once

#include <cstdint>
#include <string_view>

namespace renkei::fhirpath {

enum class FunctionId : uint8_t {
  // existence
  Empty, Exists, All, AllTrue, AnyTrue, AllFalse, AnyFalse, SubsetOf, SupersetOf, Count,
  Distinct, IsDistinct,
  // filtering and projection
  Where, Select, Repeat, OfType,
  // subsetting
  Single, First, Last, Tail, Skip, Take, Intersect, Exclude,
  // combining
  Union, Combine,
  // conversion
  Iif, ToBoolean, ConvertsToBoolean, ToInteger, ConvertsToInteger, ToDecimal, ConvertsToDecimal,
  ToString, ConvertsToString, ToDate, ConvertsToDate, ToDateTime, ConvertsToDateTime, ToTime,
  ConvertsToTime, ToQuantity, ConvertsToQuantity,
  // strings
  IndexOf, Substring, StartsWith, EndsWith, Contains, Upper, Lower, Replace, Matches,
  MatchesFull, ReplaceMatches, Length, ToChars, Encode, Decode, Escape, Unescape, Trim, Split,
  Join,
  // math
  Abs, Ceiling, Exp, Floor, Ln, Log, Power, Round, Sqrt, Truncate,
  // tree navigation
  Children, Descendants,
  // utility
  Trace, Now, TimeOfDay, Today, LowBoundary, HighBoundary, Precision, Comparable,
  // operators as functions, types, aggregates
  Not, Is, As, Type, Aggregate, Sort,
  // FHIR additions
  Extension, HasValue, GetValue, Resolve, MemberOf, ConformsTo, HtmlChecks,
};

/// How an argument is evaluated.
enum class ArgMode : uint8_t {
  Value,   ///< once, in the context the call appears in
  Lambda,  ///< per input item, with $this (and $index, $total) bound
  Type,    ///< a type specifier, resolved when compiling
};

struct FunctionInfo {
  std::string_view name;
  FunctionId id;
  uint8_t minArgs;
  uint8_t maxArgs;
  ArgMode modes[3];  ///< per argument position (the last one repeats for sort())
  /// The result depends on the order of the input (first(), skip(), ...).
  bool needsOrder = false;
};

/// The function with this name, or nullptr.
const FunctionInfo* findFunction(std::string_view name);
const FunctionInfo& functionInfo(FunctionId id);

}  // namespace renkei::fhirpath

// Quantity semantics: comparison and arithmetic across UCUM units and calendar durations
// ("1 week" equals "7 days" and "1 'wk'"; "1 month" is not comparable to "1 'mo'").
#pragma once

#include <optional>
#include <string>

#include "renkei/fhirpath/temporal.h"
#include "renkei/fhirpath/value.h"

namespace renkei::fhirpath {

/// A computed quantity whose unit text still needs a home (the caller copies it).
struct QuantityResult {
  Decimal value;
  std::string unit;
  bool calendar = false;
};

/// -1/0/1 after converting b to comparable units; nullopt when the units are not comparable.
/// `forEquivalence` also accepts calendar years/months against UCUM 'a'/'mo'.
std::optional<int> compareQuantities(const Quantity& a, const Quantity& b, bool forEquivalence);
std::optional<bool> quantitiesEqual(const Quantity& a, const Quantity& b);
bool quantitiesEquivalent(const Quantity& a, const Quantity& b);
/// Are the units convertible into each other (comparable())?
bool unitsComparable(std::string_view a, std::string_view b);

enum class QuantityOp : uint8_t { Add, Subtract, Multiply, Divide };
/// nullopt when the units do not allow the operation (or the result does not fit).
std::optional<QuantityResult> combineQuantities(const Quantity& a, const Quantity& b,
                                                QuantityOp op);

/// The duration unit of a quantity usable in date arithmetic (calendar keywords, and the UCUM
/// units wk, d, h, min, s, ms); nullopt for anything else, including UCUM 'a' and 'mo'.
std::optional<DurationUnit> durationUnitOf(const Quantity& q);

/// FHIRPath's text form: "1 'wk'", "4 days".
std::string quantityText(const Quantity& q);
/// Parses the text form (toQuantity): "1 day", "1 'wk'", "1.5"; nullopt when malformed.
std::optional<QuantityResult> parseQuantityText(std::string_view text);

}  // namespace renkei::fhirpath

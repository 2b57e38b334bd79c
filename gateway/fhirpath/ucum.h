// A UCUM subset large enough for clinical quantities: the SI base and derived units with
// prefixes, time units, customary lengths and masses, pressure (mm[Hg]), temperatures (Cel,
// [degF]), counts (mol, 10*3), annotations ({beats}/min) and the unit algebra (., /, powers).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "renkei/fhirpath/decimal.h"

namespace renkei::fhirpath::ucum {

/// Exponents of the base units m, s, g, rad, K, C, cd and the international unit.
using Dimensions = std::array<int8_t, 8>;

struct CanonicalUnit {
  /// One of the unit is factor / divisor base units; kept as a fraction so conversions
  /// through '/min' or '[degF]' (5/9 K) stay exact.
  Decimal factor{1, 0};
  Decimal divisor{1, 0};
  Dimensions dims{};
  /// Non-zero for units with an offset (Cel, [degF]): kelvin = (value + offset) × factor.
  Decimal offset{0, 0};
};

/// Parses a UCUM expression ("mg/dL", "kg.m-2", "/min", "10*3/uL"); nullopt when it is not a
/// unit this subset knows. Units with an offset are only accepted alone.
std::optional<CanonicalUnit> parse(std::string_view unit);

/// `value` of `unit` in base units; nullopt when a result does not fit.
std::optional<Decimal> toBase(const Decimal& value, const CanonicalUnit& unit);
std::optional<Decimal> fromBase(const Decimal& value, const CanonicalUnit& unit);
/// Exact comparison of `a` in unit `ua` with `b` in unit `ub` (same dimensions), by cross
/// multiplication: the two numbers returned compare as the quantities do.
struct CrossValues {
  Decimal a, b;
};
std::optional<CrossValues> crossMultiply(const Decimal& a, const CanonicalUnit& ua, const Decimal& b,
                                         const CanonicalUnit& ub);

/// A UCUM expression for a product of base units ("g/m", "m2", "1" when dimensionless).
std::string baseUnitExpression(const Dimensions& dims);

}  // namespace renkei::fhirpath::ucum

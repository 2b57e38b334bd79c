// FHIRPath's Decimal: an exact base-10 number (up to 38 significant digits) that remembers its
// scale, so `1.50` keeps two decimal places while comparing equal to `1.5`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace renkei::fhirpath {

__extension__ typedef __int128 Int128;

struct Decimal {
  Int128 mantissa = 0;  ///< value = mantissa × 10^-scale
  int32_t scale = 0;    ///< digits after the decimal point (never negative)
  /// Zero written with a minus sign ("-0.0"): kept so the text survives a round trip.
  bool negativeZero = false;

  static constexpr int kMaxDigits = 38;

  constexpr Decimal() = default;
  constexpr Decimal(Int128 m, int32_t s, bool negZero = false)
      : mantissa(m), scale(s), negativeZero(negZero) {}

  static Decimal fromInteger(int64_t v) { return {v, 0}; }
  /// Parses FHIR/FHIRPath decimal text ("-1.50", "1.0e0"); nullopt when malformed or too long.
  static std::optional<Decimal> parse(std::string_view text);
  /// Nearest decimal with up to 15 significant digits (results of sqrt, ln, ...).
  static std::optional<Decimal> fromDouble(double v);

  std::string toString() const;
  double toDouble() const;
  bool isZero() const { return mantissa == 0; }
  bool isNegative() const { return mantissa < 0; }
  /// Number of significant digits in the mantissa (1 for zero).
  int digits() const;
  /// The same value with trailing zeros after the point removed.
  Decimal normalized() const;
};

/// -1, 0 or 1 by value (scale ignored).
int compare(const Decimal& a, const Decimal& b);
inline bool sameValue(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }
/// Equal after rounding both to the scale of the less precise one (FHIRPath `~`).
bool equivalent(const Decimal& a, const Decimal& b);

// Arithmetic; nullopt when the exact result does not fit 38 digits.
std::optional<Decimal> add(const Decimal& a, const Decimal& b);
std::optional<Decimal> subtract(const Decimal& a, const Decimal& b);
std::optional<Decimal> multiply(const Decimal& a, const Decimal& b);
/// Quotient to 20 decimal places (rounded half away from zero), trailing zeros removed;
/// nullopt on division by zero.
std::optional<Decimal> divide(const Decimal& a, const Decimal& b);
Decimal negate(const Decimal& a);

/// Rounds half away from zero to `places` decimal places.
Decimal roundTo(const Decimal& a, int places);
/// Integer part toward zero / toward -inf / toward +inf; nullopt beyond int64.
std::optional<int64_t> truncateToInteger(const Decimal& a);
std::optional<int64_t> floorToInteger(const Decimal& a);
std::optional<int64_t> ceilingToInteger(const Decimal& a);
/// Truncated integer division and remainder (FHIRPath `div` and `mod`); nullopt when b is 0.
std::optional<Decimal> integerDivide(const Decimal& a, const Decimal& b);
std::optional<Decimal> modulo(const Decimal& a, const Decimal& b);
/// The same value written with exactly `scale` decimal places (padding or rounding).
Decimal withScale(const Decimal& a, int scale);

}  // namespace renkei::fhirpath

// FHIRPath's value types on their own: exact decimals, partial-precision dates and times, and
// UCUM quantities (the units vital signs and clinical data use).
#include <gtest/gtest.h>

#include "fhirpath/quantity_ops.h"
#include "fhirpath/ucum.h"
#include "renkei/fhirpath/decimal.h"
#include "renkei/fhirpath/temporal.h"

namespace renkei::fhirpath {
namespace {

Decimal dec(const char* s) { return *Decimal::parse(s); }

TEST(Decimal, KeepsScaleAndComparesByValue) {
  EXPECT_EQ(dec("1.50").toString(), "1.50");
  EXPECT_EQ(dec("1.0e0").toString(), "1.0");
  EXPECT_EQ(dec("-0.0").toString(), "-0.0");
  EXPECT_EQ(dec("12e2").toString(), "1200");
  EXPECT_TRUE(sameValue(dec("1.10"), dec("1.1")));
  EXPECT_LT(compare(dec("-2"), dec("1.5")), 0);
  EXPECT_FALSE(Decimal::parse("1."));
  EXPECT_FALSE(Decimal::parse(".5"));
  EXPECT_FALSE(Decimal::parse("123456789012345678901234567890123456789"));  // 39 digits
  EXPECT_TRUE(Decimal::parse("12345678901234567890123456789012345678"));    // 38 digits
}

TEST(Decimal, ArithmeticIsExact) {
  EXPECT_EQ(add(dec("0.1"), dec("0.2"))->toString(), "0.3");
  EXPECT_EQ(multiply(dec("1.2"), dec("1.8"))->toString(), "2.16");
  EXPECT_EQ(subtract(dec("1.8"), dec("1.2"))->toString(), "0.6");
  EXPECT_EQ(divide(dec("1"), dec("2"))->toString(), "0.5");
  EXPECT_EQ(divide(dec("4.0"), dec("2.0"))->toString(), "2");
  EXPECT_EQ(divide(dec("1.2"), dec("1.8"))->toString(), "0.66666666666666666667");
  EXPECT_FALSE(divide(dec("1"), dec("0")));
  EXPECT_EQ(modulo(dec("2.2"), dec("1.8"))->toString(), "0.4");
  EXPECT_EQ(*truncateToInteger(dec("-1.56")), -1);
  EXPECT_EQ(*floorToInteger(dec("-2.1")), -3);
  EXPECT_EQ(*ceilingToInteger(dec("1.1")), 2);
  EXPECT_EQ(roundTo(dec("3.14159"), 3).toString(), "3.142");
  EXPECT_EQ(roundTo(dec("-2.5"), 0).toString(), "-3");
  EXPECT_FALSE(multiply(dec("99999999999999999999"), dec("99999999999999999999")));
}

TEST(Decimal, EquivalenceUsesTheLeastPrecision) {
  EXPECT_TRUE(equivalent(*divide(dec("1.2"), dec("1.8")), dec("0.67")));
  EXPECT_FALSE(equivalent(dec("1.2"), dec("1.3")));
}

Temporal at(const char* s, TemporalKind k = TemporalKind::DateTime) { return *Temporal::parse(s, k); }

TEST(Temporal, ParsesPartialPrecisionAndTimezones) {
  EXPECT_EQ(at("2015", TemporalKind::Date).precision, TemporalPrecision::Year);
  EXPECT_EQ(at("2015-02-04T14:34:28.123+10:00").toString(), "2015-02-04T14:34:28.123+10:00");
  EXPECT_EQ(at("2015-02-04T14:34:28.1234Z").toString(), "2015-02-04T14:34:28.123Z");
  EXPECT_EQ(at("14:34", TemporalKind::Time).toString(), "14:34");
  EXPECT_FALSE(Temporal::parse("2015-02-30", TemporalKind::Date));
  EXPECT_FALSE(Temporal::parse("2015-13", TemporalKind::Date));
  EXPECT_FALSE(Temporal::parse("2015-02-04T25:00", TemporalKind::DateTime));
  EXPECT_FALSE(Temporal::parse("2015-02-04T10:00+15:00", TemporalKind::DateTime));
  EXPECT_TRUE(Temporal::parse("2016-02-29", TemporalKind::Date));
}

TEST(Temporal, ComparesAcrossTimezonesAndPrecisions) {
  EXPECT_EQ(compare(at("2017-11-05T01:30:00.0-04:00"), at("2017-11-05T00:30:00.0-05:00")),
            Ordering::Equal);
  EXPECT_EQ(compare(at("2017-11-05T01:30:00-04:00"), at("2017-11-05T01:15:00-05:00")),
            Ordering::Less);
  EXPECT_EQ(compare(at("2012-04-15", TemporalKind::Date), at("2012-04-15T10:00:00")), Ordering::Unknown);
  EXPECT_EQ(compare(at("2012-04-15T15:00:00Z"), at("2012-04-15T10:00:00")), Ordering::Unknown);
  EXPECT_EQ(compare(at("2012-04-14", TemporalKind::Date), at("2012-04-15T10:00:00")), Ordering::Less);
  EXPECT_EQ(compare(at("2012-04-15T15:30:31"), at("2012-04-15T15:30:31.0")), Ordering::Equal);
  EXPECT_EQ(compare(at("10:00", TemporalKind::Time), at("2012-04-15", TemporalKind::Date)),
            Ordering::Incomparable);
  EXPECT_FALSE(equivalent(at("2012-04-15", TemporalKind::Date), at("2012-04-15T10:00:00")));
}

TEST(Temporal, CalendarArithmeticKeepsTheOffset) {
  EXPECT_EQ(addDuration(at("1973-12-25T00:00:00.000+10:00"), 7, DurationUnit::Day)->toString(),
            "1974-01-01T00:00:00.000+10:00");
  EXPECT_EQ(addDuration(at("2024-01-31", TemporalKind::Date), 1, DurationUnit::Month)->toString(),
            "2024-02-29");
  EXPECT_EQ(addDuration(at("2024-02-29", TemporalKind::Date), 1, DurationUnit::Year)->toString(),
            "2025-02-28");
  EXPECT_EQ(addDuration(at("23:30", TemporalKind::Time), 1, DurationUnit::Hour)->toString(), "00:30");
  EXPECT_EQ(addDuration(at("1974-12-25", TemporalKind::Date), -1, DurationUnit::Month)->toString(),
            "1974-11-25");
  EXPECT_FALSE(addDuration(at("10:00", TemporalKind::Time), 1, DurationUnit::Year));
  EXPECT_FALSE(addDuration(at("9999-12-31", TemporalKind::Date), 1, DurationUnit::Day));
}

TEST(Temporal, Boundaries) {
  EXPECT_EQ(lowBoundary(at("2014", TemporalKind::Date), 6)->toString(), "2014-01");
  EXPECT_EQ(highBoundary(at("2014-02", TemporalKind::Date), 8)->toString(), "2014-02-28");
  EXPECT_EQ(lowBoundary(at("2014-01-01T08"), 17)->toString(), "2014-01-01T08:00:00.000+14:00");
  EXPECT_EQ(highBoundary(at("2014-01-01T08"), 17)->toString(), "2014-01-01T08:59:59.999-12:00");
  EXPECT_EQ(highBoundary(at("2014-01-01T08:05-05:00"), 17)->toString(), "2014-01-01T08:05:59.999-05:00");
  EXPECT_FALSE(lowBoundary(at("2014", TemporalKind::Date), 10));
  EXPECT_EQ(precisionDigits(at("2014-01-05T10:30:00.000")), 17);
  EXPECT_EQ(precisionDigits(at("10:30", TemporalKind::Time)), 4);
}

Quantity q(const char* value, std::string_view unit, bool calendar = false) {
  return Quantity{dec(value), unit, calendar};
}

TEST(Ucum, ConvertsClinicalUnits) {
  EXPECT_EQ(compareQuantities(q("185", "[lb_av]"), q("83.91458845", "kg"), false), 0);
  EXPECT_EQ(compareQuantities(q("37", "Cel"), q("98.6", "[degF]"), true), 0);
  EXPECT_EQ(compareQuantities(q("120", "mm[Hg]"), q("15.99864", "kPa"), false), 0);
  EXPECT_EQ(compareQuantities(q("60", "/min"), q("1", "/s"), false), 0);
  EXPECT_EQ(compareQuantities(q("1", "[in_i]"), q("2.54", "cm"), false), 0);
  EXPECT_EQ(compareQuantities(q("100", "mg/dL"), q("1", "g/L"), false), 0);
  EXPECT_EQ(compareQuantities(q("70", "{beats}/min"), q("70", "/min"), false), 0);
  EXPECT_EQ(compareQuantities(q("1", "10*3/uL"), q("1", "10*9/L"), false), 0);
  EXPECT_FALSE(compareQuantities(q("1", "cm"), q("1", "s"), false));
  EXPECT_FALSE(ucum::parse("[s]"));
  EXPECT_FALSE(ucum::parse("kCel"));  // a prefixed unit with an offset is meaningless
  EXPECT_TRUE(unitsComparable("kg/m2", "[lb_av]/[in_i]2"));
}

TEST(Ucum, CalendarDurations) {
  EXPECT_EQ(quantitiesEqual(q("7", "days", true), q("1", "week", true)), true);
  EXPECT_EQ(quantitiesEqual(q("1", "week", true), q("1", "wk")), true);
  EXPECT_EQ(quantitiesEqual(q("1", "year", true), q("12", "months", true)), true);
  EXPECT_FALSE(quantitiesEqual(q("1", "month", true), q("1", "mo")).has_value());
  EXPECT_TRUE(quantitiesEquivalent(q("1", "year", true), q("1", "a")));
  EXPECT_EQ(durationUnitOf(q("1", "d")), DurationUnit::Day);
  EXPECT_FALSE(durationUnitOf(q("1", "mo")));
  EXPECT_FALSE(durationUnitOf(q("1", "cm")));
}

TEST(Ucum, ProductsAndQuotients) {
  auto area = combineQuantities(q("2.0", "cm"), q("2.0", "m"), QuantityOp::Multiply);
  ASSERT_TRUE(area);
  EXPECT_EQ(area->unit, "m2");
  EXPECT_EQ(compare(area->value, dec("0.04")), 0);
  auto ratio = combineQuantities(q("4.0", "g"), q("2.0", "m"), QuantityOp::Divide);
  ASSERT_TRUE(ratio);
  EXPECT_EQ(ratio->unit, "g/m");
  auto sum = combineQuantities(q("1", "kg"), q("500", "g"), QuantityOp::Add);
  ASSERT_TRUE(sum);
  EXPECT_EQ(sum->unit, "kg");
  EXPECT_EQ(sum->value.toString(), "1.5");
  EXPECT_FALSE(combineQuantities(q("1", "kg"), q("1", "m"), QuantityOp::Add));
}

TEST(QuantityText, RoundTrips) {
  EXPECT_EQ(quantityText(q("1", "wk")), "1 'wk'");
  EXPECT_EQ(quantityText(q("4", "days", true)), "4 days");
  EXPECT_EQ(parseQuantityText("1 'wk'")->unit, "wk");
  EXPECT_TRUE(parseQuantityText("1 day")->calendar);
  EXPECT_FALSE(parseQuantityText("1 wk"));
  EXPECT_EQ(parseQuantityText("1.5")->unit, "1");
}

}  // namespace
}  // namespace renkei::fhirpath

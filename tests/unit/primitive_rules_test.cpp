// Lexical rules of R4 primitives, including what the regexes alone would let through.
#include <gtest/gtest.h>

#include "fhir/validation/primitive_rules.h"

namespace renkei::fhir {
namespace {

struct Case {
  const char* type;
  const char* value;
  bool valid;
};

class PrimitiveRules : public ::testing::TestWithParam<Case> {};

TEST_P(PrimitiveRules, Classifies) {
  const Case& c = GetParam();
  std::string problem = primitiveProblem(c.type, c.value);
  EXPECT_EQ(problem.empty(), c.valid) << c.type << " '" << c.value << "': " << problem;
}

INSTANTIATE_TEST_SUITE_P(
    R4, PrimitiveRules,
    ::testing::Values(
        Case{"date", "2024", true}, Case{"date", "2024-02", true}, Case{"date", "2024-02-29", true},
        Case{"date", "2023-02-29", false}, Case{"date", "2024-13", false}, Case{"date", "0000", false},
        Case{"date", "2024-1-01", false}, Case{"date", "2024-04-31", false},
        Case{"dateTime", "2024-05-01T10:00:00+09:00", true},
        Case{"dateTime", "2024-05-01T10:00:00", false},  // time needs a zone
        Case{"dateTime", "2024-05-01T10:00+09:00", false},  // seconds are required
        Case{"dateTime", "2024-05-01T24:00:00Z", false}, Case{"dateTime", "2024-05-01T10:00:00.123Z", true},
        Case{"dateTime", "2024-05-01T10:00:00+14:00", true}, Case{"dateTime", "2024-05-01T10:00:00+14:30", false},
        Case{"instant", "2024-05-01T10:00:00Z", true}, Case{"instant", "2024-05-01", false},
        Case{"time", "23:59:60", true}, Case{"time", "24:00:00", false}, Case{"time", "12:05", false},
        Case{"decimal", "1.50", true}, Case{"decimal", "1.0e0", true}, Case{"decimal", "-0.0", true},
        Case{"decimal", "01", false}, Case{"decimal", "1.", false}, Case{"decimal", ".5", false},
        Case{"integer", "-2147483648", true}, Case{"integer", "2147483648", false},
        Case{"positiveInt", "0", false}, Case{"positiveInt", "1", true},
        Case{"unsignedInt", "0", true}, Case{"unsignedInt", "-1", false},
        Case{"id", "abc-123.x", true}, Case{"id", "a_b", false},
        Case{"id", "12345678901234567890123456789012345678901234567890123456789012345", false},
        Case{"code", "a b", true}, Case{"code", "a  b", false}, Case{"code", " a", false},
        Case{"uri", "urn:oid:1.2", true}, Case{"uri", "a b", false},
        Case{"oid", "urn:oid:1.2.392.100495", true}, Case{"oid", "urn:oid:3.1", false},
        Case{"uuid", "urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7", true},
        Case{"uuid", "urn:uuid:53FEFA32-fcbb-4ff8-8a92-55ee120877b7", false},
        Case{"base64Binary", "SGVsbG8=", true}, Case{"base64Binary", "SGV sbG8=", true},
        Case{"base64Binary", "SGVsbG8", false}, Case{"base64Binary", "SGV=bG8=", false},
        Case{"string", "", false}, Case{"string", "tab\tok", true}, Case{"string", "bell\x07", false},
        Case{"boolean", "true", true}, Case{"boolean", "True", false}));

}  // namespace
}  // namespace renkei::fhir

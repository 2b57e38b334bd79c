// Compares what the XML subset scanner and libxml2 make of the same input (used by the
// differential tests and fuzz target).
#pragma once

#include <string>

namespace renkei::test {

/// Empty when both readers agree: the scanner only ever accepts what libxml2 accepts, and then
/// builds the same tree with the same issues. Otherwise, what differs.
std::string xmlReadersDisagree(const std::string& text);

/// Empty when the narrative subset scanner and the libxml2 check agree on `div` (valid UTF-8):
/// whenever the scanner answers, libxml2 finds it well-formed with the same findings.
std::string xhtmlCheckersDisagree(const std::string& div);

}  // namespace renkei::test

// Fuzz target: the XML subset scanner against libxml2. Aborts when the scanner accepts what
// libxml2 refuses, or builds a different tree.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/xml_differential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  std::string d = renkei::test::xmlReadersDisagree(std::string(reinterpret_cast<const char*>(data), size));
  if (!d.empty()) {
    std::fprintf(stderr, "XML readers disagree: %s\n", d.c_str());
    std::abort();
  }
  return 0;
}

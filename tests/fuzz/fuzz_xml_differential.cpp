// Fuzz target: the XML subset scanners against libxml2, for documents and for narratives.
// Aborts when a scanner accepts what libxml2 refuses, or reaches a different result.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/xml_differential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string d = renkei::test::xmlReadersDisagree(text);
  if (d.empty()) d = renkei::test::xhtmlCheckersDisagree(text);
  if (!d.empty()) {
    std::fprintf(stderr, "XML readers disagree: %s\n", d.c_str());
    std::abort();
  }
  return 0;
}

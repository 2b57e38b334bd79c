// Build step: compacts the R4 core bundles of one folder into another (see compact_definitions.h).
// Usage: renkei_compact_definitions FROM_DIR TO_DIR
#include <iostream>

#include "renkei/fhir/compact_definitions.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: renkei_compact_definitions FROM_DIR TO_DIR\n";
    return 2;
  }
  const renkei::Status st = renkei::fhir::compactCoreDirectory(argv[1], argv[2]);
  if (!st.ok()) {
    std::cerr << "renkei_compact_definitions: " << st.toString() << '\n';
    return 1;
  }
  return 0;
}

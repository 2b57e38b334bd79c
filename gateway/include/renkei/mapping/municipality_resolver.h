// The usual MunicipalityResolver for the mapping transforms: Tokyo's table by code, name or
// romaji, else the municipality an address opens with. Header-only so that renkei_mapping_text
// does not link renkei_gateway (which holds the table and links the mapping libraries); whoever
// calls it links renkei_gateway.
#pragma once

#include "renkei/mapping/transforms.h"
#include "renkei/routing/municipalities.h"

namespace renkei::mapping {

inline MunicipalityResolver tokyoMunicipalityResolver() {
  return [](std::string_view text) -> const routing::Municipality* {
    const routing::MunicipalityTable& table = routing::MunicipalityTable::tokyo();
    const routing::Municipality* m = table.find(text);
    return m != nullptr ? m : table.fromAddress(text, text);
  };
}

}  // namespace renkei::mapping

// The fax_forms source: a folder where a care office's fax server or scanner drops received
// forms. Each file is read page by page (mappings/forms templates, OCR, validators). When every
// field of every page is proven, each page's canonical Bundle — with the image, the reading and
// its Provenance — is committed as a message of the office's organization; otherwise the file is
// kept in the store for a person (a review item of that organization). Either way the file
// moves to done/YYYY-MM-DD/ only after that commit; a file that is not a readable image within
// the limits goes to failed/ with <name>.reason.json. Links and special files are never followed.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFaxFormsSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

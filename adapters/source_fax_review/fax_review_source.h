// The fax_review source: the page (HTTPS, Japanese) where reviewers of each organization confirm,
// correct or reject the faxed forms the fax_forms sources kept for a person. A confirmed sheet is
// committed through the pipeline like any input — its Bundles with the reviewer as the
// Provenance's verifier — so this is where reviewed faxes enter. See adapters/source_fax_review/
// README.md and docs/forms.md.
#pragma once

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {

void registerFaxReviewSource(pipeline::AdapterRegistry& registry);

}  // namespace renkei::adapters

// Committing a read (or reviewed) fax: each page's Bundle (fax_bundle.h) normalized and validated
// by the pipeline first; only when every page passes are they committed together. Used by the
// fax_forms source for proven sheets and by the review page for confirmed ones.
#pragma once

#include <string>
#include <vector>

#include "renkei/core/status.h"
#include "renkei/forms/fax_bundle.h"
#include "renkei/forms/form_reader.h"
#include "renkei/pipeline/intake.h"

namespace renkei::forms {

struct FaxSubmission {
  bool committed = false;          ///< false: some page's `problem` says why (nothing committed)
  std::vector<int64_t> messageIds;
};

/// `key` prefixes each page's idempotency key ("<key>:<page>"): the same fax submitted twice is
/// one message a page. An error when the store could not commit (try again later).
Result<FaxSubmission> submitFaxPages(pipeline::Intake& intake, const FormSet& forms, std::vector<PageReading>& pages,
                                     const FaxEvidence& evidence, const std::string& source,
                                     const std::string& organization, const std::string& key);

}  // namespace renkei::forms

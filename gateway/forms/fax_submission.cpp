// Normalize every page, then commit them together (see fax_submission.h).
#include "renkei/forms/fax_submission.h"

namespace renkei::forms {

Result<FaxSubmission> submitFaxPages(pipeline::Intake& intake, const FormSet& forms, std::vector<PageReading>& pages,
                                     const FaxEvidence& evidence, const std::string& source,
                                     const std::string& organization, const std::string& key) {
  FaxSubmission out;
  std::vector<pipeline::PreparedInput> prepared;
  bool complete = true;
  for (PageReading& page : pages) {
    const FormTemplate* form = forms.byId(page.form);
    if (form == nullptr || !page.complete()) {
      if (page.problem.empty()) page.problem = form == nullptr ? "no known form" : "fields for a person to confirm";
      complete = false;
      continue;
    }
    auto bundle = faxPageBundle(*form, page, evidence);
    if (!bundle.ok()) {
      page.problem = bundle.status().message();
      complete = false;
      continue;
    }
    store::RawInput input;
    input.source = source;
    input.sender = organization;
    input.name = evidence.fileName + "#page-" + std::to_string(page.page);
    input.idempotencyKey = key + ":" + std::to_string(page.page);
    input.bytes = std::move(bundle).value();
    prepared.push_back(intake.prepare(std::move(input)));
    if (prepared.back().outcome.state == store::kFailed) {
      page.problem = "the page's Bundle is not valid: " + prepared.back().outcome.error;
      complete = false;
    }
  }
  if (!complete) return out;
  for (const pipeline::SubmitResult& r : intake.submitPrepared(std::move(prepared))) {
    if (!r.committed.ok()) return r.committed;
    out.messageIds.push_back(r.messageId);
  }
  out.committed = true;
  return out;
}

}  // namespace renkei::forms

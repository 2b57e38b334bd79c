// The fax review page's HTTP handler: log-in and log-out, the reviewer's organization's queue,
// one fax (its page images and fields, and for a masked name the organization's patients it may be
// about), and the reviewer's decision — read an unidentified page as the form they name, confirm
// (corrected values become the reading, a chosen patient the page's, the sheet's Bundles are
// committed with the reviewer as the Provenance's verifier) or reject. Another organization's fax is 403, to the page and to its images. Every
// view and decision is an audit record (`renkei audit`). Forms carry the session's CSRF token; a
// POST from another origin is refused.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "renkei/forms/form_template.h"
#include "renkei/net/http_server.h"
#include "renkei/pipeline/intake.h"
#include "renkei/store/store.h"
#include "page_rereader.h"
#include "patient_candidates.h"
#include "review_sessions.h"

namespace renkei::adapters {

class ReviewHandler : public net::HttpHandler {
 public:
  ReviewHandler(std::string source, ReviewSessions& sessions, forms::FormSet forms, pipeline::Intake& intake,
                std::shared_ptr<store::Store> store, std::string tessdata)
      : source_(std::move(source)), sessions_(sessions), forms_(std::move(forms)), intake_(intake),
        store_(store), candidates_(std::move(store)), rereader_(forms_, std::move(tessdata)) {}

  Admission admit(net::HttpRequest& head) override;
  net::HttpResponse handle(net::HttpRequest& request) override;

 private:
  net::HttpResponse route(net::HttpRequest& request, int64_t nowMs);
  net::HttpResponse login(const net::HttpRequest& request, int64_t nowMs);
  net::HttpResponse document(const net::HttpRequest& request, const ReviewSession& session, int64_t id,
                             int64_t nowMs);
  net::HttpResponse pageImage(const ReviewSession& session, int64_t id, int page, int64_t nowMs);
  net::HttpResponse decide(const net::HttpRequest& request, const ReviewSession& session, int64_t id, int64_t nowMs);
  /// The page named by the action ("reread:N") read again as the form the reviewer chose; saved
  /// over the version they saw, then the fax shown again.
  net::HttpResponse reread(const net::HttpRequest& request, const ReviewSession& session, store::FaxDocument& doc,
                           std::vector<forms::PageReading>& pages, std::map<std::string, std::string>& fields,
                           int64_t nowMs);
  /// The document when it exists and is the session's organization's (else the answer to give).
  std::optional<store::FaxDocument> owned(const ReviewSession& session, int64_t id, const std::string& method,
                                          const std::string& path, int64_t nowMs, net::HttpResponse& refusal);
  /// The fax's page (`status`, `message` on top) with the pages as given and their candidates.
  net::HttpResponse shown(int status, const ReviewSession& session, const store::FaxDocument& doc,
                          const std::vector<forms::PageReading>& pages, int64_t nowMs, const std::string& message);
  /// Who each page that masks the patient's name may be about, among the organization's patients.
  std::map<int, std::vector<PatientCandidate>> candidatesFor(const std::string& organization,
                                                             const std::vector<forms::PageReading>& pages, int64_t nowMs);
  void audit(const ReviewSession& session, const std::string& method, const std::string& path, int status,
             int64_t nowMs, int64_t messageId = 0);

  std::string source_;
  ReviewSessions& sessions_;
  forms::FormSet forms_;
  pipeline::Intake& intake_;
  std::shared_ptr<store::Store> store_;
  PatientCandidates candidates_;
  PageRereader rereader_;  ///< declared after forms_: reads with them
};

}  // namespace renkei::adapters

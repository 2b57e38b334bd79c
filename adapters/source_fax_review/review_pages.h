// The review page's HTML (Japanese), its script and style: log-in, the organization's queue, and
// one fax — each page's image with the field's box highlighted, every field pre-filled with what
// was read, a masked name's candidates among the organization's patients, keyboard first (Enter:
// next field, Ctrl+Enter: confirm the sheet). No inline script (the page's Content-Security-Policy
// allows only /review.js).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "renkei/forms/form_reader.h"
#include "renkei/forms/form_template.h"
#include "renkei/store/store.h"
#include "patient_candidates.h"

namespace renkei::adapters {

std::string htmlEscape(const std::string& text);

std::string loginPage(const std::string& message);
std::string queuePage(const std::string& reviewer, const std::string& csrf,
                      const std::vector<store::FaxDocument>& documents, const std::string& notice);
/// `forms`: for the fields' labels (a field of an unknown form shows its name). `candidates`:
/// for each page that masks the patient's name, who it may be (patient_candidates.h).
std::string documentPage(const std::string& reviewer, const std::string& csrf, const store::FaxDocument& document,
                         const std::vector<forms::PageReading>& pages, const forms::FormSet& forms,
                         const std::map<int, std::vector<PatientCandidate>>& candidates, const std::string& message);

extern const char* const kReviewScript;
extern const char* const kReviewStyle;

}  // namespace renkei::adapters

// The review page's HTML (Japanese), its script and style: log-in, the organization's queue, and
// one fax — each page's image with the field's box highlighted, every field pre-filled with what
// was read, keyboard first (Enter: next field, Ctrl+Enter: confirm the sheet). No inline script
// (the page's Content-Security-Policy allows only /review.js).
#pragma once

#include <string>
#include <vector>

#include "renkei/forms/form_reader.h"
#include "renkei/forms/form_template.h"
#include "renkei/store/store.h"

namespace renkei::adapters {

std::string htmlEscape(const std::string& text);

std::string loginPage(const std::string& message);
std::string queuePage(const std::string& reviewer, const std::string& csrf,
                      const std::vector<store::FaxDocument>& documents, const std::string& notice);
/// `forms`: for the fields' labels (a field of an unknown form shows its name).
std::string documentPage(const std::string& reviewer, const std::string& csrf, const store::FaxDocument& document,
                         const std::vector<forms::PageReading>& pages, const forms::FormSet& forms,
                         const std::string& message);

extern const char* const kReviewScript;
extern const char* const kReviewStyle;

}  // namespace renkei::adapters

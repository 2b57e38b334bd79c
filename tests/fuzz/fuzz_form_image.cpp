// Fuzz target: a scanned or faxed form (TIFF, PNG, JPEG, PDF bytes) decoded into pages and each
// page registered against the shipped forms, as the fax_forms source does before OCR. Nothing
// may crash or hang; pages stay within the limits; every refusal says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "renkei/forms/form_template.h"
#include "renkei/forms/page_images.h"
#include "renkei/forms/registration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::forms;
  static const FormSet* forms = [] {
    std::vector<renkei::mapping::MappingError> errors;
    return new FormSet(FormSet::load({defaultFormsDir()}, errors));
  }();
  if (size > (1u << 20)) return 0;
  ImageLimits limits;
  limits.maxBytes = 1u << 20;
  limits.pages.maxPages = 3;
  limits.pages.maxPixelsPerPage = 4'000'000;
  limits.pdfDpi = 50;
  auto pages = readPageImages(std::string(reinterpret_cast<const char*>(data), size), limits);
  if (!pages.ok()) {
    if (pages.status().message().empty()) std::abort();
    return 0;
  }
  if (pages->empty() || pages->size() > 3) std::abort();
  for (GrayPage& page : pages.value()) {
    if (page.pixels.size() != uint64_t{page.width} * page.height || page.pixels.size() > 4'000'000) std::abort();
    for (const auto& form : forms->all()) {
      auto where = registerPage(page, *form);
      if (where.ok()) (void)sampleZone(page, where->toPage, form->titleBox, 0.5);
    }
  }
  return 0;
}

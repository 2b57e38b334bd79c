// A page read again as the form a reviewer names (see page_rereader.h).
#include "page_rereader.h"

#include "renkei/mapping/municipality_resolver.h"

namespace renkei::adapters {

Result<forms::PageReading> PageRereader::read(const std::string& image, int page, const std::string& formId) {
  if (forms_.byId(formId) == nullptr) return Status::invalidInput("no form named '" + formId + "'");
  auto pages = forms::readPageImages(image, forms::ImageLimits{});
  if (!pages.ok()) return pages.status();
  if (page < 1 || std::size_t(page) > pages->size()) return Status::invalidInput("the fax has no such page");
  std::lock_guard lock(mutex_);
  if (!engine_) {
    auto engine = forms::OcrEngine::open(tessdata_);
    if (!engine.ok()) return engine.status();
    engine_ = std::move(engine).value();
  }
  forms::ReaderOptions options;
  options.form = formId;
  options.context.municipalities = mapping::tokyoMunicipalityResolver();
  forms::FormReader reader(forms_, *engine_);
  return reader.readPage(std::move(pages.value()[std::size_t(page - 1)]), page, options);
}

}  // namespace renkei::adapters

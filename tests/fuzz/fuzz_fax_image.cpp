// Fuzz target: a received fax (TIFF bytes) read into pages and searched for QR codes, as the
// fax_replies source does. Nothing may crash or hang; pages stay within the limits, and every
// refusal says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "renkei/forms/fax_pages.h"
#include "renkei/forms/qr_codes.h"
#include "source_fax_replies/sheet_reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei::adapters;
  using namespace renkei::forms;
  if (size > (1u << 20)) return 0;
  FaxLimits limits;
  limits.maxPages = 4;
  limits.maxPixelsPerPage = 4'000'000;
  auto pages = readFaxPagesFromMemory(std::string(reinterpret_cast<const char*>(data), size), limits);
  if (!pages.ok()) {
    if (pages.status().message().empty()) std::abort();
    return 0;
  }
  if (pages->size() > 4) std::abort();
  for (const GrayPage& page : pages.value()) {
    if (page.pixels.size() != uint64_t{page.width} * page.height) std::abort();
    for (const std::string& code : qrCodes(page)) (void)sheetReply(code);
  }
  return 0;
}

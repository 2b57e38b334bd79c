// Fuzz target: a directory spreadsheet (CSV) from an operator. The first byte chooses the
// encoding. Nothing may crash or hang; a refusal has a message, an accepted file is a JSON Bundle.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <rapidjson/document.h>

#include "renkei/care/directory_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace renkei;
  if (size < 1) return 0;
  const auto encoding = data[0] % 2 == 0 ? mapping::TextEncoding::Utf8 : mapping::TextEncoding::Cp932;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto bundle = care::directoryBundleFromCsv(bytes, encoding);
  if (!bundle.ok()) {
    if (bundle.status().message().empty()) std::abort();
    return 0;
  }
  rapidjson::Document d;
  d.Parse(bundle.value().c_str());
  if (d.HasParseError() || !d.IsObject()) std::abort();
  return 0;
}

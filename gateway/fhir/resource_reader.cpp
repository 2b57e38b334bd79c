// Format choice for incoming resources.
#include "renkei/fhir/resource_reader.h"

#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/xml_reader.h"

namespace renkei::fhir {

std::optional<SourceFormat> formatFromName(std::string_view name) {
  auto endsWith = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (endsWith(".json") || endsWith(".JSON")) return SourceFormat::Json;
  if (endsWith(".xml") || endsWith(".XML")) return SourceFormat::Xml;
  return std::nullopt;
}

std::optional<SourceFormat> sniffFormat(std::string_view text) {
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '{') return SourceFormat::Json;
    if (c == '<') return SourceFormat::Xml;
    return std::nullopt;
  }
  return std::nullopt;
}

ReadResult readResource(std::string text, std::optional<SourceFormat> format,
                        const ReadOptions& options) {
  if (!format) format = sniffFormat(text);
  if (!format) {
    ReadResult r;
    r.status = Status::unsupported("the input is neither FHIR JSON nor FHIR XML");
    return r;
  }
  return *format == SourceFormat::Json ? readJson(std::move(text), options)
                                       : readXml(std::move(text), options);
}

}  // namespace renkei::fhir

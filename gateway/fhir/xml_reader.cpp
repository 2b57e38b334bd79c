// FHIR XML reading: size and encoding checks, then the subset scanner, then libxml2 for
// anything the scanner hands over. Both feed the same tree builder.
#include "renkei/fhir/xml_reader.h"

#include <cctype>

#include "xml/xml_sources.h"
#include "xml/xml_tree_builder.h"

namespace renkei::fhir {
namespace {

// FHIR XML is UTF-8; anything declared otherwise is refused before a parser sees it.
bool declaresForeignEncoding(std::string_view text) {
  if (text.size() >= 2 && ((text[0] == '\xFF' && text[1] == '\xFE') ||
                           (text[0] == '\xFE' && text[1] == '\xFF'))) {
    return true;
  }
  if (text.substr(0, 5) != "<?xml") return false;
  std::size_t end = text.find("?>");
  std::string_view decl = text.substr(0, end);
  std::size_t enc = decl.find("encoding");
  if (enc == std::string_view::npos) return false;
  std::size_t q = decl.find_first_of("\"'", enc);
  if (q == std::string_view::npos) return false;
  std::size_t q2 = decl.find(decl[q], q + 1);
  std::string name(decl.substr(q + 1, q2 - q - 1));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name != "utf-8" && name != "utf8";
}

ReadResult failure(Document& doc, const XmlTreeBuilder& b) {
  ReadResult out;
  std::string msg = b.error().empty() ? "XML parse error" : b.error();
  out.position = doc.position(b.errorOffset());
  std::string located = "line " + std::to_string(out.position.line) + ", column " +
                        std::to_string(out.position.column) + ": " + msg;
  out.status = b.limitHit() ? Status::tooLarge(located) : Status::invalidInput(located);
  return out;
}

}  // namespace

ReadResult readXml(std::string text, const ReadOptions& options) {
  ReadResult out;
  if (text.size() > options.maxBytes) {
    out.status = Status::tooLarge("input is " + std::to_string(text.size()) +
                                  " bytes, over the limit of " + std::to_string(options.maxBytes));
    return out;
  }
  if (text.size() > INT32_MAX) {
    out.status = Status::tooLarge("input too large for the XML parser");
    return out;
  }
  auto doc = std::make_unique<Document>(SourceFormat::Xml, std::move(text));
  std::string_view all = doc->text();
  const uint32_t base = (all.size() >= 3 && all.substr(0, 3) == "\xEF\xBB\xBF") ? 3 : 0;
  std::string_view body = all.substr(base);
  if (declaresForeignEncoding(body)) {
    out.status = Status::unsupported("FHIR XML must be encoded in UTF-8");
    return out;
  }

  if (options.xmlSubsetScanner) {
    XmlTreeBuilder builder(*doc, all, options);
    if (scanXmlSubset(body, base, builder) == SubsetScan::Done) {
      if (builder.failed()) return failure(*doc, builder);
      out.document = std::move(doc);
      return out;
    }
    // Outside the subset: start again from nothing with libxml2.
    doc = std::make_unique<Document>(SourceFormat::Xml, std::string(all));
    all = doc->text();
    body = all.substr(base);
  }
  XmlTreeBuilder builder(*doc, all, options);
  bool wellFormed = false;
  if (!parseWithLibxml2(body, base, builder, &wellFormed)) {
    out.status = Status::internal("cannot start the XML parser");
    return out;
  }
  if (builder.failed() || !wellFormed) return failure(*doc, builder);
  out.document = std::move(doc);
  return out;
}

}  // namespace renkei::fhir

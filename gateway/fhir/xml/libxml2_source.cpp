// libxml2 SAX2 callbacks turned into XmlTreeBuilder events. libxml2's byte counter drifts on
// large documents in push mode, so positions come from its line and column counters, and the
// builder re-serializes the narrative from events instead of slicing the source text.
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <cstring>
#include <vector>

#include "libxml2_push_parser.h"
#include "xml_sources.h"

namespace renkei::fhir {
namespace {

std::string_view sv(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

struct Session {
  XmlTreeBuilder* builder;
  xmlParserCtxtPtr ctxt;
  std::string_view body;
  uint32_t base;
  std::vector<XmlAttribute> attrs;
  std::vector<uint32_t> lineStarts;  // built on first use

  // Byte offset of libxml2's current line and column (columns count characters).
  uint32_t offsetNow() {
    const xmlParserInputPtr in = ctxt->input;
    if (in == nullptr) return base;
    if (lineStarts.empty()) {
      lineStarts.push_back(0);
      for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\n') lineStarts.push_back(static_cast<uint32_t>(i + 1));
      }
    }
    std::size_t line = in->line > 0 ? static_cast<std::size_t>(in->line) : 1;
    if (line > lineStarts.size()) return base + static_cast<uint32_t>(body.size());
    std::size_t i = lineStarts[line - 1];
    for (int col = 1; col < in->col && i < body.size() && body[i] != '\n'; ++col) {
      ++i;
      while (i < body.size() && (static_cast<unsigned char>(body[i]) & 0xC0) == 0x80) ++i;
    }
    return base + static_cast<uint32_t>(i);
  }
  void stopIfFailed() {
    if (builder->failed()) xmlStopParser(ctxt);
  }
  void refuse(std::string message) {
    builder->fail(std::move(message), offsetNow());
    xmlStopParser(ctxt);
  }
};

Session& session(void* ctx) { return *static_cast<Session*>(ctx); }

void onStart(void* ctx, const xmlChar* local, const xmlChar*, const xmlChar* uri, int,
             const xmlChar**, int nAttrs, int, const xmlChar** a) {
  Session& s = session(ctx);
  s.attrs.clear();
  for (int i = 0; i < nAttrs; ++i, a += 5) {
    s.attrs.push_back({sv(a[0]), sv(a[2]),
                       std::string_view(reinterpret_cast<const char*>(a[3]),
                                        static_cast<std::size_t>(a[4] - a[3]))});
  }
  s.builder->startElement(sv(local), sv(uri), s.attrs, s.offsetNow());
  s.stopIfFailed();
}

void onEnd(void* ctx, const xmlChar* local, const xmlChar*, const xmlChar*) {
  Session& s = session(ctx);
  s.builder->endElement(s.offsetNow(), sv(local));
  s.stopIfFailed();
}

void onCharacters(void* ctx, const xmlChar* ch, int len) {
  Session& s = session(ctx);
  s.builder->text(std::string_view(reinterpret_cast<const char*>(ch), static_cast<std::size_t>(len)),
                  s.offsetNow());
}

void onInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  session(ctx).refuse("DOCTYPE declarations are not allowed in FHIR XML (DTDs and entities are refused)");
}

void onEntityDecl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
  session(ctx).refuse("entity declarations are not allowed");
}

xmlEntityPtr onGetEntity(void* ctx, const xmlChar* name) {
  session(ctx).refuse("undefined entity reference &" + std::string(sv(name)) + ";");
  return nullptr;
}

void onReference(void* ctx, const xmlChar* name) { onGetEntity(ctx, name); }

void onProcessingInstruction(void* ctx, const xmlChar* target, const xmlChar*) {
  Session& s = session(ctx);
  s.builder->processingInstruction(sv(target), s.offsetNow());
}

void onStructuredError(void* ctx, xmlErrorPtr err) {
  if (err == nullptr || err->level < XML_ERR_ERROR) return;
  std::string msg = err->message ? err->message : "XML error";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  Session& s = session(ctx);
  s.builder->fail("XML parse error: " + msg, s.offsetNow());
  xmlStopParser(s.ctxt);
}

xmlSAXHandler makeHandler() {
  xmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = &onStart;
  sax.endElementNs = &onEnd;
  sax.characters = &onCharacters;
  sax.cdataBlock = &onCharacters;
  sax.internalSubset = &onInternalSubset;
  sax.entityDecl = &onEntityDecl;
  sax.getEntity = &onGetEntity;
  sax.reference = &onReference;
  sax.processingInstruction = &onProcessingInstruction;
  sax.serror = &onStructuredError;
  return sax;
}

}  // namespace

bool parseWithLibxml2(std::string_view body, uint32_t base, XmlTreeBuilder& builder,
                      bool* wellFormed) {
  static const xmlSAXHandler handler = makeHandler();
  // NOENT makes libxml2 hand over attribute values with predefined entities decoded. It cannot
  // expand anything else: every DOCTYPE (hence every entity declaration) stops the parser.
  thread_local ReusedPushParser parser(handler, XML_PARSE_NONET | XML_PARSE_NOENT | XML_PARSE_HUGE);
  Session s{&builder, parser.context(), body, base, {}, {}};
  builder.serializeNarrative(true);
  if (!parser.parse(body, &s, wellFormed)) return false;
  builder.finish(base + static_cast<uint32_t>(body.size()));
  return true;
}

}  // namespace renkei::fhir

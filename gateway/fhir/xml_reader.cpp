// libxml2 SAX2 handler that builds the FHIR node tree.
#include "renkei/fhir/xml_reader.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <cstring>
#include <vector>

namespace renkei::fhir {
namespace {

constexpr std::string_view kFhirNs = "http://hl7.org/fhir";
constexpr std::string_view kXhtmlNs = "http://www.w3.org/1999/xhtml";
constexpr std::string_view kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

std::string_view sv(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

bool isResourceName(std::string_view n) { return !n.empty() && n[0] >= 'A' && n[0] <= 'Z'; }

class XmlTreeBuilder {
 public:
  XmlTreeBuilder(Document& doc, std::string_view text, uint32_t base, const ReadOptions& options)
      : doc_(doc), text_(text), base_(base), options_(options) {}

  void setContext(xmlParserCtxtPtr ctxt) { ctxt_ = ctxt; }
  const std::string& error() const { return error_; }
  uint32_t errorOffset() const { return errorOffset_; }
  bool limitHit() const { return limitHit_; }

  static void onStart(void* ctx, const xmlChar* local, const xmlChar*, const xmlChar* uri, int,
                      const xmlChar**, int nAttrs, int, const xmlChar** attrs) {
    static_cast<XmlTreeBuilder*>(ctx)->start(sv(local), sv(uri), nAttrs, attrs);
  }
  static void onEnd(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    static_cast<XmlTreeBuilder*>(ctx)->end();
  }
  static void onCharacters(void* ctx, const xmlChar* ch, int len) {
    static_cast<XmlTreeBuilder*>(ctx)->characters(
        std::string_view(reinterpret_cast<const char*>(ch), static_cast<std::size_t>(len)));
  }
  static void onInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    static_cast<XmlTreeBuilder*>(ctx)->refuse(
        "DOCTYPE declarations are not allowed in FHIR XML (DTDs and entities are refused)");
  }
  static void onEntityDecl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*,
                           xmlChar*) {
    static_cast<XmlTreeBuilder*>(ctx)->refuse("entity declarations are not allowed");
  }
  static xmlEntityPtr onGetEntity(void* ctx, const xmlChar* name) {
    static_cast<XmlTreeBuilder*>(ctx)->refuse("undefined entity reference &" +
                                              std::string(sv(name)) + ";");
    return nullptr;
  }
  static void onReference(void* ctx, const xmlChar* name) { onGetEntity(ctx, name); }
  static void onProcessingInstruction(void* ctx, const xmlChar* target, const xmlChar*) {
    static_cast<XmlTreeBuilder*>(ctx)->processingInstruction(sv(target));
  }
  static void onStructuredError(void* ctx, xmlErrorPtr err) {
    auto* self = static_cast<XmlTreeBuilder*>(ctx);
    if (err == nullptr || err->level < XML_ERR_ERROR) return;
    std::string msg = err->message ? err->message : "XML error";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    self->fail("XML parse error: " + msg, self->offsetNow());
  }

  void finish() {
    if (error_.empty() && doc_.root() == nullptr) fail("no root element", base_);
  }

 private:
  struct Frame {
    Node* node;
    bool resourceWrapper;  ///< the XML element is a resource inside its container node
  };

  uint32_t offsetNow() const {
    long consumed = ctxt_ ? xmlByteConsumed(ctxt_) : 0;
    return static_cast<uint32_t>(consumed < 0 ? 0 : consumed) + base_;
  }
  // Offset of the '<' that starts the tag just parsed.
  uint32_t tagStart() const {
    uint32_t end = offsetNow();
    if (end > text_.size()) end = static_cast<uint32_t>(text_.size());
    std::size_t lt = text_.rfind('<', end == 0 ? 0 : end - 1);
    return lt == std::string_view::npos ? end : static_cast<uint32_t>(lt);
  }

  void refuse(std::string message) {
    fail(std::move(message), offsetNow());
    xmlStopParser(ctxt_);
  }

  void fail(std::string message, uint32_t off) {
    if (!error_.empty()) return;
    error_ = std::move(message);
    errorOffset_ = off;
    if (ctxt_) xmlStopParser(ctxt_);
  }

  void issue(IssueType type, std::string message, uint32_t off) {
    Issue i;
    i.type = type;
    i.message = std::move(message);
    i.expression = path();
    i.offset = off;
    doc_.issues().push_back(std::move(i));
  }

  std::string path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.resourceWrapper) continue;
      if (!p.empty()) p += '.';
      p += f.node->name;
    }
    return p;
  }

  Node* newNode(std::string_view name, uint32_t off) {
    if (++nodeCount_ > options_.maxNodes) {
      limitHit_ = true;
      fail("more than " + std::to_string(options_.maxNodes) + " elements", off);
    }
    return doc_.newNode(doc_.arena().copy(name), off);
  }

  void start(std::string_view local, std::string_view uri, int nAttrs, const xmlChar** attrs) {
    if (!error_.empty()) return;
    uint32_t off = tagStart();
    if (xhtmlDepth_ > 0) {
      ++xhtmlDepth_;
      return;
    }
    if (frames_.size() >= options_.maxDepth) {
      limitHit_ = true;
      fail("nesting deeper than the limit of " + std::to_string(options_.maxDepth), off);
      return;
    }
    if (uri == kXhtmlNs && local == "div" && !frames_.empty()) {
      beginXhtml(local, off);
      return;
    }
    if (uri != kFhirNs) {
      if (frames_.empty()) {
        fail("the root element must be in the FHIR namespace " + std::string(kFhirNs) +
                 " (found '" + std::string(uri) + "')",
             off);
        return;
      }
      issue(IssueType::Structure,
            "Element '" + std::string(local) + "' is not in the FHIR namespace (found '" +
                std::string(uri) + "')",
            off);
    }
    Node* node = nullptr;
    bool wrapper = false;
    if (frames_.empty()) {
      node = newNode(local, off);
      node->resourceType = node->name;
      doc_.setRoot(node);
    } else if (isResourceName(local)) {
      Node* container = frames_.back().node;
      if (container->isResource() || frames_.back().resourceWrapper) {
        issue(IssueType::Structure,
              "Unexpected resource element '" + std::string(local) + "'", off);
      }
      container->resourceType = doc_.arena().copy(local);
      node = container;
      wrapper = true;
    } else {
      node = newNode(local, off);
      frames_.back().node->append(node);
    }
    attributes(*node, nAttrs, attrs, off);
    frames_.push_back({node, wrapper});
  }

  void attributes(Node& node, int n, const xmlChar** a, uint32_t off) {
    for (int i = 0; i < n; ++i, a += 5) {
      std::string_view name = sv(a[0]);
      std::string_view ns = sv(a[2]);
      std::string_view value(reinterpret_cast<const char*>(a[3]),
                             static_cast<std::size_t>(a[4] - a[3]));
      if (!ns.empty()) {
        if (ns != kXsiNs) {
          issue(IssueType::Structure, "Undefined attribute '" + std::string(name) + "'", off);
        }
        continue;
      }
      if (name == "value") {
        node.value = value.empty() ? std::string_view("", 0) : doc_.arena().copy(value);
        node.kind = ValueKind::String;
      } else if (name == "id" || name == "url") {
        Node* c = newNode(name, off);
        c->value = doc_.arena().copy(value);
        c->kind = ValueKind::String;
        c->flags |= kXmlAttribute;
        node.append(c);
      } else {
        issue(IssueType::Structure, "Undefined attribute '@" + std::string(name) + "' on " +
                                        std::string(node.name),
              off);
      }
    }
  }

  void beginXhtml(std::string_view local, uint32_t off) {
    xhtmlDepth_ = 1;
    xhtmlStart_ = off;
    xhtmlNode_ = newNode(local, off);
    frames_.back().node->append(xhtmlNode_);
  }

  void end() {
    if (!error_.empty()) return;
    if (xhtmlDepth_ > 0) {
      if (--xhtmlDepth_ == 0) {
        uint32_t stop = offsetNow();
        if (stop > text_.size()) stop = static_cast<uint32_t>(text_.size());
        xhtmlNode_->value = doc_.arena().copy(text_.substr(xhtmlStart_, stop - xhtmlStart_));
        xhtmlNode_->kind = ValueKind::String;
        xhtmlNode_ = nullptr;
      }
      return;
    }
    if (!frames_.empty()) frames_.pop_back();
  }

  void characters(std::string_view s) {
    if (!error_.empty() || xhtmlDepth_ > 0) return;
    for (char c : s) {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        std::string shown(s.substr(0, 40));
        issue(IssueType::Structure, "Text should not be present ('" + shown + "')", offsetNow());
        return;
      }
    }
  }

  void processingInstruction(std::string_view target) {
    if (xhtmlDepth_ == 0) {
      issue(IssueType::Structure,
            "Processing instruction '" + std::string(target) + "' is not allowed in FHIR XML",
            offsetNow());
    }
  }

  Document& doc_;
  std::string_view text_;
  uint32_t base_;
  const ReadOptions& options_;
  xmlParserCtxtPtr ctxt_ = nullptr;
  std::vector<Frame> frames_;
  int xhtmlDepth_ = 0;
  uint32_t xhtmlStart_ = 0;
  Node* xhtmlNode_ = nullptr;
  uint32_t nodeCount_ = 0;
  std::string error_;
  uint32_t errorOffset_ = 0;
  bool limitHit_ = false;
};

// FHIR XML is UTF-8; anything declared otherwise is refused before libxml2 converts it.
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
  uint32_t base = (all.size() >= 3 && all.substr(0, 3) == "\xEF\xBB\xBF") ? 3 : 0;
  std::string_view body = all.substr(base);
  if (declaresForeignEncoding(body)) {
    out.status = Status::unsupported("FHIR XML must be encoded in UTF-8");
    return out;
  }

  XmlTreeBuilder builder(*doc, all, base, options);
  xmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = &XmlTreeBuilder::onStart;
  sax.endElementNs = &XmlTreeBuilder::onEnd;
  sax.characters = &XmlTreeBuilder::onCharacters;
  sax.cdataBlock = &XmlTreeBuilder::onCharacters;
  sax.internalSubset = &XmlTreeBuilder::onInternalSubset;
  sax.entityDecl = &XmlTreeBuilder::onEntityDecl;
  sax.getEntity = &XmlTreeBuilder::onGetEntity;
  sax.reference = &XmlTreeBuilder::onReference;
  sax.processingInstruction = &XmlTreeBuilder::onProcessingInstruction;
  sax.serror = &XmlTreeBuilder::onStructuredError;

  xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, &builder, nullptr, 0, nullptr);
  if (ctxt == nullptr) {
    out.status = Status::internal("cannot create the XML parser");
    return out;
  }
  builder.setContext(ctxt);
  // NOENT makes libxml2 hand over attribute values with predefined entities decoded. It cannot
  // expand anything else: every DOCTYPE (hence every entity declaration) stops the parser.
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOENT | XML_PARSE_HUGE);
  xmlParseChunk(ctxt, body.data(), static_cast<int>(body.size()), 1);
  bool wellFormed = ctxt->wellFormed != 0;
  xmlFreeParserCtxt(ctxt);
  builder.finish();

  if (!builder.error().empty() || !wellFormed) {
    std::string msg = builder.error().empty() ? "XML parse error" : builder.error();
    out.position = doc->position(builder.errorOffset());
    std::string located = "line " + std::to_string(out.position.line) + ", column " +
                          std::to_string(out.position.column) + ": " + msg;
    out.status = builder.limitHit() ? Status::tooLarge(located) : Status::invalidInput(located);
    return out;
  }
  out.document = std::move(doc);
  return out;
}

}  // namespace renkei::fhir

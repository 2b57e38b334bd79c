// Tree building from XML events.
#include "xml_tree_builder.h"

namespace renkei::fhir {
namespace {

bool isResourceName(std::string_view n) { return !n.empty() && n[0] >= 'A' && n[0] <= 'Z'; }

void escapeXml(std::string& out, std::string_view s, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      default: out += c;
    }
  }
}

// Serializes the attributes of a narrative element (the XHTML default namespace is implied).
void appendAttributes(std::string& out, std::span<const XmlAttribute> attrs) {
  for (const XmlAttribute& a : attrs) {
    out += ' ';
    if (a.nsUri == kXmlNamespace) out += "xml:";
    out += a.local;
    out += "=\"";
    escapeXml(out, a.value, true);
    out += '"';
  }
}

}  // namespace

XmlTreeBuilder::XmlTreeBuilder(Document& doc, std::string_view text, const ReadOptions& options)
    : doc_(doc), text_(text), options_(options) {
  frames_.reserve(32);
}

void XmlTreeBuilder::fail(std::string message, uint32_t offset, bool limit) {
  if (!error_.empty()) return;
  error_ = std::move(message);
  errorOffset_ = offset;
  limitHit_ = limit;
}

void XmlTreeBuilder::issue(IssueType type, std::string message, uint32_t offset) {
  Issue i;
  i.type = type;
  i.message = std::move(message);
  i.expression = path();
  i.offset = offset;
  doc_.issues().push_back(std::move(i));
}

std::string XmlTreeBuilder::path() const {
  std::string p;
  for (const Frame& f : frames_) {
    if (f.resourceWrapper) continue;
    if (!p.empty()) p += '.';
    p += f.node->name;
  }
  return p;
}

Node* XmlTreeBuilder::newNode(std::string_view name, uint32_t offset) {
  if (++nodeCount_ > options_.maxNodes) {
    fail("more than " + std::to_string(options_.maxNodes) + " elements", offset, true);
  }
  return doc_.newNode(doc_.arena().copy(name), offset);
}

void XmlTreeBuilder::startElement(std::string_view local, std::string_view nsUri,
                                  std::span<const XmlAttribute> attrs, uint32_t tagEnd) {
  if (failed()) return;
  if (xhtmlDepth_ > 0) {
    ++xhtmlDepth_;
    if (serializeNarrative_) {
      if (xhtmlTagOpen_) xhtml_ += '>';
      xhtml_ += '<';
      xhtml_ += local;
      if (nsUri != kXhtmlNamespace) {
        xhtml_ += " xmlns=\"";
        escapeXml(xhtml_, nsUri, true);
        xhtml_ += '"';
      }
      appendAttributes(xhtml_, attrs);
      xhtmlTagOpen_ = true;
    }
    return;
  }
  if (frames_.size() >= options_.maxDepth) {
    fail("nesting deeper than the limit of " + std::to_string(options_.maxDepth), tagEnd, true);
    return;
  }
  if (nsUri == kXhtmlNamespace && local == "div" && !frames_.empty()) {
    // The narrative keeps its exact source text: it starts at the last '<' before the end of
    // its start tag (attribute values cannot contain a raw '<').
    xhtmlDepth_ = 1;
    std::size_t lt = tagEnd == 0 ? std::string_view::npos : text_.rfind('<', tagEnd - 1);
    xhtmlStart_ = lt == std::string_view::npos ? tagEnd : static_cast<uint32_t>(lt);
    xhtmlNode_ = newNode(local, xhtmlStart_);
    frames_.back().node->append(xhtmlNode_);
    if (serializeNarrative_) {
      xhtml_.assign("<div xmlns=\"http://www.w3.org/1999/xhtml\"");
      appendAttributes(xhtml_, attrs);
      xhtmlTagOpen_ = true;
    }
    return;
  }
  if (nsUri != kFhirNamespace) {
    if (frames_.empty()) {
      fail("the root element must be in the FHIR namespace " + std::string(kFhirNamespace) +
               " (found '" + std::string(nsUri) + "')",
           tagEnd);
      return;
    }
    issue(IssueType::Structure,
          "Element '" + std::string(local) + "' is not in the FHIR namespace (found '" +
              std::string(nsUri) + "')",
          tagEnd);
  }
  Node* node = nullptr;
  bool wrapper = false;
  if (frames_.empty()) {
    node = newNode(local, tagEnd);
    node->resourceType = node->name;
    doc_.setRoot(node);
  } else if (isResourceName(local)) {
    Node* container = frames_.back().node;
    if (container->isResource() || frames_.back().resourceWrapper) {
      issue(IssueType::Structure, "Unexpected resource element '" + std::string(local) + "'", tagEnd);
    }
    container->resourceType = doc_.arena().copy(local);
    node = container;
    wrapper = true;
  } else {
    node = newNode(local, tagEnd);
    frames_.back().node->append(node);
  }
  attributes(*node, attrs, tagEnd);
  frames_.push_back({node, wrapper});
}

void XmlTreeBuilder::attributes(Node& node, std::span<const XmlAttribute> attrs, uint32_t offset) {
  for (const XmlAttribute& a : attrs) {
    if (!a.nsUri.empty()) {
      if (a.nsUri != kXsiNamespace) {
        issue(IssueType::Structure, "Undefined attribute '" + std::string(a.local) + "'", offset);
      }
      continue;
    }
    if (a.local == "value") {
      node.value = a.value.empty() ? std::string_view("", 0) : doc_.arena().copy(a.value);
      node.kind = ValueKind::String;
    } else if (a.local == "id" || a.local == "url") {
      Node* c = newNode(a.local, offset);
      c->value = doc_.arena().copy(a.value);
      c->kind = ValueKind::String;
      c->flags |= kXmlAttribute;
      node.append(c);
    } else {
      issue(IssueType::Structure,
            "Undefined attribute '@" + std::string(a.local) + "' on " + std::string(node.name), offset);
    }
  }
}

void XmlTreeBuilder::endElement(uint32_t after, std::string_view local) {
  if (failed()) return;
  if (xhtmlDepth_ > 0) {
    if (serializeNarrative_) {
      if (xhtmlTagOpen_) {
        xhtml_ += "/>";
        xhtmlTagOpen_ = false;
      } else {
        xhtml_ += "</";
        xhtml_ += xhtmlDepth_ == 1 ? std::string_view("div") : local;
        xhtml_ += '>';
      }
    }
    if (--xhtmlDepth_ == 0) {
      uint32_t stop = std::min<uint32_t>(after, static_cast<uint32_t>(text_.size()));
      xhtmlNode_->value = serializeNarrative_
                              ? doc_.arena().copy(xhtml_)
                              : doc_.arena().copy(text_.substr(xhtmlStart_, stop - xhtmlStart_));
      xhtmlNode_->kind = ValueKind::String;
      xhtmlNode_ = nullptr;
    }
    return;
  }
  if (!frames_.empty()) frames_.pop_back();
}

void XmlTreeBuilder::text(std::string_view s, uint32_t offset) {
  if (failed()) return;
  if (xhtmlDepth_ > 0) {
    if (serializeNarrative_) {
      if (xhtmlTagOpen_) {
        xhtml_ += '>';
        xhtmlTagOpen_ = false;
      }
      escapeXml(xhtml_, s, false);
    }
    return;
  }
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      issue(IssueType::Structure, "Text should not be present ('" + std::string(s.substr(0, 40)) + "')",
            offset);
      return;
    }
  }
}

void XmlTreeBuilder::processingInstruction(std::string_view target, uint32_t offset) {
  if (xhtmlDepth_ == 0) {
    issue(IssueType::Structure,
          "Processing instruction '" + std::string(target) + "' is not allowed in FHIR XML", offset);
  }
}

void XmlTreeBuilder::finish(uint32_t end) {
  if (!failed() && doc_.root() == nullptr) fail("no root element", end);
}

}  // namespace renkei::fhir

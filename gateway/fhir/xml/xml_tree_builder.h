// Builds the FHIR node tree from XML events, whichever scanner produced them (the subset scanner
// or libxml2): namespaces, resource wrappers (<contained><Patient>), value/id/url attributes,
// the narrative kept as source text, and the issues FHIR XML rules raise.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "renkei/fhir/document.h"

namespace renkei::fhir {

inline constexpr std::string_view kFhirNamespace = "http://hl7.org/fhir";
inline constexpr std::string_view kXhtmlNamespace = "http://www.w3.org/1999/xhtml";
inline constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

struct XmlAttribute {
  std::string_view local;
  std::string_view nsUri;  ///< empty for unprefixed attributes
  std::string_view value;  ///< as reported by an XML processor (references decoded, normalized)
};

class XmlTreeBuilder {
 public:
  XmlTreeBuilder(Document& doc, std::string_view text, const ReadOptions& options);

  /// `tagEnd` is the offset just past the start tag (or past "/>").
  void startElement(std::string_view local, std::string_view nsUri,
                    std::span<const XmlAttribute> attributes, uint32_t tagEnd);
  /// `after` is the offset just past the end tag.
  void endElement(uint32_t after, std::string_view local = {});
  void text(std::string_view s, uint32_t offset);
  void processingInstruction(std::string_view target, uint32_t offset);
  /// A fatal error: nothing more is built.
  void fail(std::string message, uint32_t offset, bool limit = false);
  void finish(uint32_t end);
  /// Build the narrative from events (true) instead of slicing the source text between the
  /// offsets of its tags (false: only when the offsets are exact).
  void serializeNarrative(bool fromEvents) { serializeNarrative_ = fromEvents; }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  uint32_t errorOffset() const { return errorOffset_; }
  bool limitHit() const { return limitHit_; }

 private:
  struct Frame {
    Node* node;
    bool resourceWrapper;  ///< the XML element is a resource inside its container node
  };

  void issue(IssueType type, std::string message, uint32_t offset);
  std::string path() const;
  Node* newNode(std::string_view name, uint32_t offset);
  void attributes(Node& node, std::span<const XmlAttribute> attrs, uint32_t offset);

  Document& doc_;
  std::string_view text_;
  const ReadOptions& options_;
  std::vector<Frame> frames_;
  int xhtmlDepth_ = 0;
  uint32_t xhtmlStart_ = 0;
  Node* xhtmlNode_ = nullptr;
  bool serializeNarrative_ = false;
  bool xhtmlTagOpen_ = false;  ///< serializing: the last start tag is not closed yet
  std::string xhtml_;          ///< serializing: the narrative so far
  uint32_t nodeCount_ = 0;
  std::string error_;
  uint32_t errorOffset_ = 0;
  bool limitHit_ = false;
};

}  // namespace renkei::fhir

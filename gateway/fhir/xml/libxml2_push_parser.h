// A libxml2 SAX2 push-parser context kept per thread and reset for each input (creating one
// costs about as much as parsing a small resource). Used for FHIR documents and narratives.
#pragma once

#include <libxml/parser.h>

#include <string_view>

namespace renkei::fhir {

class ReusedPushParser {
 public:
  /// `handler` must outlive the parser; `options` are libxml2 XML_PARSE_* flags.
  ReusedPushParser(const xmlSAXHandler& handler, int options);
  ~ReusedPushParser();
  ReusedPushParser(const ReusedPushParser&) = delete;
  ReusedPushParser& operator=(const ReusedPushParser&) = delete;

  /// Parses all of `text` as UTF-8 (never guessing another encoding), handing `userData` to the
  /// callbacks. False when the parser cannot be started; `wellFormed` says how it ended.
  bool parse(std::string_view text, void* userData, bool* wellFormed);
  /// The context, for callbacks that need to stop the parser or ask where it is.
  xmlParserCtxtPtr context() const { return ctxt_; }

 private:
  xmlSAXHandler handler_;
  int options_;
  xmlParserCtxtPtr ctxt_ = nullptr;
};

/// libxml2 reports some errors (encoding conversion) through its generic handler, which prints
/// to stderr; everything Renkei needs arrives through the structured handler. Per thread.
void silenceLibxml2GenericErrors();

}  // namespace renkei::fhir

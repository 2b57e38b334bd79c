// Reused libxml2 push-parser contexts.
#include "libxml2_push_parser.h"

#include <libxml/parserInternals.h>

namespace renkei::fhir {
namespace {

void ignoreGenericError(void*, const char*, ...) {}

}  // namespace

void silenceLibxml2GenericErrors() { xmlSetGenericErrorFunc(nullptr, &ignoreGenericError); }

ReusedPushParser::ReusedPushParser(const xmlSAXHandler& handler, int options)
    : handler_(handler), options_(options) {
  ctxt_ = xmlCreatePushParserCtxt(&handler_, nullptr, nullptr, 0, nullptr);
  silenceLibxml2GenericErrors();
}

ReusedPushParser::~ReusedPushParser() {
  if (ctxt_) xmlFreeParserCtxt(ctxt_);
}

bool ReusedPushParser::parse(std::string_view text, void* userData, bool* wellFormed) {
  if (ctxt_ == nullptr || xmlCtxtResetPush(ctxt_, nullptr, 0, nullptr, "UTF-8") != 0) return false;
  xmlCtxtUseOptions(ctxt_, options_);
  ctxt_->userData = userData;
  xmlParseChunk(ctxt_, text.data(), static_cast<int>(text.size()), 1);
  *wellFormed = ctxt_->wellFormed != 0;
  ctxt_->userData = nullptr;
  return true;
}

}  // namespace renkei::fhir

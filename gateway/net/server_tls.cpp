// A listener's TLS context (see server_tls.h).
#include "renkei/net/server_tls.h"

namespace renkei::net {

Result<Poco::Net::Context::Ptr> serverTlsContext(const ServerTls& tls) {
  try {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, tls.keyFile, tls.certFile, tls.caFile,
        tls.clients == ClientCertificates::Require ? Poco::Net::Context::VERIFY_STRICT
        : tls.clients == ClientCertificates::Ask   ? Poco::Net::Context::VERIFY_RELAXED
                                                   : Poco::Net::Context::VERIFY_NONE);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(false);
    if (!tls.sessionCacheId.empty()) context->enableSessionCache(true, tls.sessionCacheId);
    return context;
  } catch (const Poco::Exception& e) {
    return Status::unavailable("TLS set-up failed: " + e.displayText());
  }
}

}  // namespace renkei::net

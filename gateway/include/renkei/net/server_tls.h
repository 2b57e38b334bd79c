// A listener's TLS context (POCO), the same for every source that listens: its certificate and key
// files, TLS 1.2 at least, and client certificates not asked for, asked for or required — they
// identify organizations, not hosts, so no host-name check is made against them.
#pragma once

#include <string>

#include <Poco/Net/Context.h>

#include "renkei/core/status.h"

namespace renkei::net {

enum class ClientCertificates { None, Ask, Require };

struct ServerTls {
  std::string certFile, keyFile;
  std::string caFile;  ///< the CAs client certificates are checked against ("" = none)
  ClientCertificates clients = ClientCertificates::None;
  std::string sessionCacheId;  ///< non-empty: TLS sessions are resumed under this id
};

/// Unavailable ("TLS set-up failed: …") when the files cannot be read or do not fit.
Result<Poco::Net::Context::Ptr> serverTlsContext(const ServerTls& tls);

}  // namespace renkei::net

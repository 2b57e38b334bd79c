// API clients of the FHIR endpoint: each bound to one organization, authenticated by an opaque
// bearer token stored only as its SHA-256, by a JWT it signs with its own RSA key (RS256,
// issuer = client id, short expiry; verified with POCO JWT), or by its TLS client certificate
// (verified against the endpoint's CA, then recognised by its SHA-256 fingerprint), and
// authorized by SMART backend-services style scopes (system/*.write, system/Patient.read).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace Poco::JWT {
class Signer;
}

namespace renkei::fhir_api {

struct ApiClient {
  std::string id;
  std::string organization;
  std::string tokenSha256;                  ///< empty when the client uses JWTs
  std::shared_ptr<Poco::JWT::Signer> jwt;   ///< verifies the client's RS256 JWTs, if configured
  std::string certificateSha256;            ///< lower-case hex, no colons; empty: no certificate
  std::vector<std::string> scopes;
  double requestsPerSecond = 0;  ///< 0: no limit

  /// Whether a scope grants `access` ("read" or "write") on `resourceType`.
  bool allows(std::string_view resourceType, std::string_view access) const;
};

/// JWTs may live at most this long (SMART backend services: five minutes).
inline constexpr int64_t kMaxJwtLifetimeSeconds = 300;
/// Clocks of client and gateway may differ this much (nbf, iat, exp).
inline constexpr int64_t kJwtClockSkewSeconds = 30;

class ApiClients {
 public:
  /// Reads the clients; a client's public key file that cannot be read is an error (throws
  /// Poco::Exception, caught by the source's factory).
  explicit ApiClients(const rapidjson::Value& list);
  /// The client this bearer token authenticates — an opaque token (compared by SHA-256 in
  /// constant time) or a JWT with a valid signature, issuer and expiry — or nullptr.
  const ApiClient* authenticate(std::string_view bearerToken) const;
  /// The client whose TLS certificate has this SHA-256 fingerprint (any case, colons allowed),
  /// or nullptr. The TLS layer has already verified the certificate chain.
  const ApiClient* byCertificate(std::string_view sha256Fingerprint) const;
  /// Whether any client authenticates with a certificate (the server then asks for one).
  bool anyCertificateClients() const;

 private:
  std::vector<ApiClient> clients_;
};

}  // namespace renkei::fhir_api

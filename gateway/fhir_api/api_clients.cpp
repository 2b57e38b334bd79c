// Token lookup by SHA-256 and scope matching.
#include "renkei/fhir_api/api_clients.h"

#include <cctype>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include "renkei/core/digest.h"

namespace renkei::fhir_api {
namespace {

/// "AB:CD:…" or "abcd…" → "abcd…".
std::string normalizedFingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':') continue;
    out += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  }
  return out;
}

}  // namespace

bool ApiClient::allows(std::string_view resourceType, std::string_view access) const {
  for (const std::string& scope : scopes) {
    const std::size_t slash = scope.find('/');
    const std::size_t dot = scope.rfind('.');
    if (slash == std::string::npos || dot == std::string::npos || dot < slash) continue;
    const std::string_view type = std::string_view(scope).substr(slash + 1, dot - slash - 1);
    const std::string_view what = std::string_view(scope).substr(dot + 1);
    if ((type == "*" || type == resourceType) && (what == "*" || what == access)) return true;
  }
  return false;
}

ApiClients::ApiClients(const rapidjson::Value& list) {
  if (!list.IsArray()) return;
  for (const auto& c : list.GetArray()) {
    ApiClient client;
    client.id = c["id"].GetString();
    client.organization = c["organization"].GetString();
    if (c.HasMember("token_sha256")) client.tokenSha256 = c["token_sha256"].GetString();
    if (c.HasMember("jwt_public_key_file")) {
      client.jwt = std::make_shared<Poco::JWT::Signer>(Poco::SharedPtr<Poco::Crypto::RSAKey>(
          new Poco::Crypto::RSAKey(c["jwt_public_key_file"].GetString())));
      client.jwt->setAlgorithms({Poco::JWT::Signer::ALGO_RS256});
    }
    if (c.HasMember("certificate_sha256")) {
      client.certificateSha256 = normalizedFingerprint(c["certificate_sha256"].GetString());
    }
    for (const auto& s : c["scopes"].GetArray()) client.scopes.emplace_back(s.GetString());
    if (c.HasMember("requests_per_second")) client.requestsPerSecond = c["requests_per_second"].GetDouble();
    clients_.push_back(std::move(client));
  }
}

namespace {

/// Whether a token has dots at all (then it must be a JWT, never an opaque token).
bool looksLikeJwt(std::string_view token) { return token.find('.') != std::string_view::npos; }

/// A compact JWS: exactly three non-empty base64url segments (header.payload.signature).
bool isCompactJws(std::string_view token) {
  int dots = 0;
  char previous = '.';
  for (char c : token) {
    if (c == '.') {
      if (previous == '.') return false;  // an empty segment
      ++dots;
    } else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      return false;
    }
    previous = c;
  }
  return dots == 2 && previous != '.';
}

/// Whether the token's times hold now: it has expired neither nor lives longer than allowed,
/// and it is not from the future (nbf, iat), each with a small clock-skew allowance.
bool timesHold(const Poco::JWT::Token& token) {
  const Poco::Timestamp now;
  const Poco::Timestamp::TimeDiff skew = kJwtClockSkewSeconds * Poco::Timestamp::resolution();
  const Poco::Timestamp expires = token.getExpiration();
  if (expires == Poco::Timestamp(0) || expires <= now - skew ||
      expires - now > kMaxJwtLifetimeSeconds * Poco::Timestamp::resolution()) {
    return false;
  }
  const Poco::Timestamp notBefore = token.getNotBefore();
  if (notBefore != Poco::Timestamp(0) && notBefore > now + skew) return false;
  const Poco::Timestamp issuedAt = token.getIssuedAt();
  return issuedAt == Poco::Timestamp(0) || issuedAt <= now + skew;
}

}  // namespace

const ApiClient* ApiClients::authenticate(std::string_view bearerToken) const {
  if (bearerToken.empty() || bearerToken.size() > 16384) return nullptr;
  if (looksLikeJwt(bearerToken)) {
    if (!isCompactJws(bearerToken)) return nullptr;
    for (const ApiClient& c : clients_) {
      if (!c.jwt) continue;
      Poco::JWT::Token token;
      try {
        if (!c.jwt->tryVerify(std::string(bearerToken), token)) continue;
      } catch (const Poco::Exception&) {
        continue;  // malformed: not this client's
      }
      if (token.getIssuer() != c.id || !timesHold(token)) continue;
      return &c;
    }
    return nullptr;
  }
  const std::string hash = sha256Hex(bearerToken);
  const ApiClient* found = nullptr;
  for (const ApiClient& c : clients_) {
    if (c.tokenSha256.empty()) continue;
    unsigned char diff = c.tokenSha256.size() == hash.size() ? 0 : 1;
    for (std::size_t i = 0; i < hash.size() && i < c.tokenSha256.size(); ++i) {
      diff |= static_cast<unsigned char>(c.tokenSha256[i] ^ hash[i]);
    }
    if (diff == 0) found = &c;
  }
  return found;
}

const ApiClient* ApiClients::byCertificate(std::string_view sha256Fingerprint) const {
  const std::string wanted = normalizedFingerprint(sha256Fingerprint);
  if (wanted.size() != 64) return nullptr;
  for (const ApiClient& c : clients_) {
    if (c.certificateSha256 == wanted) return &c;
  }
  return nullptr;
}

bool ApiClients::anyCertificateClients() const {
  for (const ApiClient& c : clients_) {
    if (!c.certificateSha256.empty()) return true;
  }
  return false;
}

}  // namespace renkei::fhir_api

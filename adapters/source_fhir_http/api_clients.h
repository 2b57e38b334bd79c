// API clients of the FHIR endpoint: each bound to one organization, authenticated by an opaque
// bearer token stored only as its SHA-256, and authorized by SMART backend-services style scopes
// (system/*.write, system/Patient.read, system/Bundle.*).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace renkei::adapters {

struct ApiClient {
  std::string id;
  std::string organization;
  std::string tokenSha256;
  std::vector<std::string> scopes;
  double requestsPerSecond = 0;  ///< 0: no limit

  /// Whether a scope grants `access` ("read" or "write") on `resourceType`.
  bool allows(std::string_view resourceType, std::string_view access) const;
};

class ApiClients {
 public:
  explicit ApiClients(const rapidjson::Value& list);
  /// The client whose token this is (compared in constant time), or nullptr.
  const ApiClient* authenticate(std::string_view bearerToken) const;

 private:
  std::vector<ApiClient> clients_;
};

}  // namespace renkei::adapters

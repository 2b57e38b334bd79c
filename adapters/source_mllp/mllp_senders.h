// Who may send HL7 v2 over an MLLP listener: each allowed sender is an organization (its id space
// in the store), the client addresses it connects from (IPv4/IPv6 networks in CIDR notation), and
// optionally the certificate it presents over TLS and the sending facilities (MSH-4) its messages
// may name. A connection no sender allows is closed at once; a message whose MSH-4 none of the
// connection's senders may name is rejected.
#pragma once

#include <array>
#include <map>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "renkei/core/status.h"

namespace renkei::adapters {

/// An IPv4 or IPv6 network; IPv4 is kept as IPv4-mapped IPv6 so that both families compare.
struct AddressNetwork {
  std::array<uint8_t, 16> bytes{};
  int prefixBits = 128;
  /// "10.1.0.0/16", "192.0.2.7", "2001:db8::/32", "::1"; InvalidInput otherwise.
  static Result<AddressNetwork> parse(std::string_view text);
  bool contains(std::string_view address) const;
};

struct MllpSender {
  std::string organization;
  std::vector<AddressNetwork> networks;
  std::string certificateSha256;        ///< lower-case hex without colons; "" when not required
  std::vector<std::string> facilities;  ///< MSH-4.1 values; empty: any
  std::map<std::string, std::string> mappingParameters;  ///< e.g. the institution code MSH-4 may lack
  bool allowsFacility(std::string_view facility) const;
};

class MllpSenders {
 public:
  /// From the source's schema-checked "senders" array.
  static Result<MllpSenders> fromConfig(const rapidjson::Value& senders);
  /// The senders a connection from `address` presenting `certificateSha256` ("" for none) may be.
  std::vector<const MllpSender*> forConnection(std::string_view address,
                                               std::string_view certificateSha256) const;
  bool anyCertificates() const;

 private:
  std::vector<MllpSender> senders_;
};

/// The one organization among `candidates` that may name `facility`; null when none may, or when
/// several organizations may (the config must tell them apart by facilities or certificates).
const MllpSender* senderForFacility(const std::vector<const MllpSender*>& candidates, std::string_view facility);

}  // namespace renkei::adapters

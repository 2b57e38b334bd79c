// The MLLP sender allow list: networks, certificates and facilities (see mllp_senders.h).
#include "mllp_senders.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cstring>

#include "renkei/pipeline/adapter_registry.h"

namespace renkei::adapters {
namespace {

/// IPv4 or IPv6 text → 16 bytes (IPv4 as ::ffff:a.b.c.d); `v4` says which it was.
bool addressBytes(const std::string& text, std::array<uint8_t, 16>& out, bool& v4) {
  in_addr a4{};
  if (inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    out.fill(0);
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    v4 = true;
    return true;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    v4 = false;
    return true;
  }
  return false;
}

std::string normalizedFingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

Result<AddressNetwork> AddressNetwork::parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  AddressNetwork n;
  bool v4 = false;
  if (!addressBytes(std::string(text.substr(0, slash)), n.bytes, v4)) {
    return Status::invalidInput("'" + std::string(text) + "' is not an IP address or network");
  }
  const int maxBits = v4 ? 32 : 128;
  int bits = maxBits;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (ec != std::errc() || end != digits.data() + digits.size() || bits < 0 || bits > maxBits) {
      return Status::invalidInput("'" + std::string(text) + "' has no valid prefix length");
    }
  }
  n.prefixBits = v4 ? bits + 96 : bits;
  return n;
}

bool AddressNetwork::contains(std::string_view address) const {
  std::array<uint8_t, 16> a{};
  bool v4 = false;
  if (!addressBytes(std::string(address), a, v4)) return false;
  int bits = prefixBits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (bytes[i] & mask)) return false;
  }
  return true;
}

bool MllpSender::allowsFacility(std::string_view facility) const {
  if (facilities.empty()) return true;
  for (const std::string& f : facilities) {
    if (f == facility) return true;
  }
  return false;
}

Result<MllpSenders> MllpSenders::fromConfig(const rapidjson::Value& senders) {
  MllpSenders out;
  for (const auto& s : senders.GetArray()) {
    MllpSender sender;
    sender.organization = s["organization"].GetString();
    for (const auto& a : s["addresses"].GetArray()) {
      auto network = AddressNetwork::parse(a.GetString());
      if (!network.ok()) return Status::invalidInput("sender " + sender.organization + ": " + network.status().message());
      sender.networks.push_back(network.value());
    }
    if (s.HasMember("certificate_sha256")) {
      sender.certificateSha256 = normalizedFingerprint(s["certificate_sha256"].GetString());
    }
    if (s.HasMember("facilities")) {
      for (const auto& f : s["facilities"].GetArray()) sender.facilities.emplace_back(f.GetString());
    }
    auto parameters = pipeline::configMappingParameters(s, "mapping_parameters");
    if (!parameters.ok()) return Status::invalidInput("sender " + sender.organization + ": " + parameters.status().message());
    sender.mappingParameters = std::move(parameters).value();
    out.senders_.push_back(std::move(sender));
  }
  return out;
}

std::vector<const MllpSender*> MllpSenders::forConnection(std::string_view address,
                                                          std::string_view certificateSha256) const {
  std::vector<const MllpSender*> out;
  for (const MllpSender& s : senders_) {
    if (!s.certificateSha256.empty() && s.certificateSha256 != certificateSha256) continue;
    for (const AddressNetwork& n : s.networks) {
      if (n.contains(address)) {
        out.push_back(&s);
        break;
      }
    }
  }
  return out;
}

bool MllpSenders::anyCertificates() const {
  for (const MllpSender& s : senders_) {
    if (!s.certificateSha256.empty()) return true;
  }
  return false;
}

const MllpSender* senderForFacility(const std::vector<const MllpSender*>& candidates, std::string_view facility) {
  const MllpSender* found = nullptr;
  for (const MllpSender* s : candidates) {
    if (!s->allowsFacility(facility)) continue;
    // Two organizations that may both send this: whose id space it belongs to is not known,
    // and guessing could file one organization's patients under another's.
    if (found != nullptr && found->organization != s->organization) return nullptr;
    found = s;
  }
  return found;
}

}  // namespace renkei::adapters

// SHA-256 through POCO's SHA2Engine.
#include "renkei/core/digest.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace renkei {

Sha256::Sha256() : engine_(std::make_unique<Poco::SHA2Engine>(Poco::SHA2Engine::SHA_256)) {}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) { engine_->update(bytes.data(), bytes.size()); }

std::string Sha256::hex() { return Poco::DigestEngine::digestToHex(engine_->digest()); }

std::string sha256Hex(std::string_view bytes) {
  Sha256 d;
  d.update(bytes);
  return d.hex();
}

}  // namespace renkei

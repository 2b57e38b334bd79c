// SHA-256 digests (POCO's SHA2Engine) as lowercase hex, for content addressing and stable keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace Poco {
class SHA2Engine;
}

namespace renkei {

std::string sha256Hex(std::string_view bytes);

/// Incremental digest for inputs read in chunks.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex();

 private:
  std::unique_ptr<Poco::SHA2Engine> engine_;
};

}  // namespace renkei

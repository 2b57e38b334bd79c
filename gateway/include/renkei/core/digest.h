// SHA-256 digests (OpenSSL's EVP, which uses the CPU's SHA instructions where it has them) as
// lowercase hex, for content addressing and stable keys.
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;

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
  /// The digest of everything given so far; the object is then spent.
  std::string hex();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace renkei

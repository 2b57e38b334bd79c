// scrypt password hashes and random tokens through OpenSSL (see password_hash.h).
#include "renkei/core/password_hash.h"

#include <cstdlib>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace renkei {
namespace {

constexpr uint64_t kN = 1u << 15, kR = 8, kP = 1;
constexpr std::size_t kHashBytes = 32, kSaltBytes = 16;
constexpr uint64_t kMaxMemory = 64ull << 20;

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, int(n));
  out.resize(std::size_t(written));
  return out;
}

bool unbase64(const std::string& text, std::vector<unsigned char>& out) {
  if (text.empty() || text.size() % 4 != 0) return false;
  out.assign(text.size() / 4 * 3, 0);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  if (n < 0) return false;
  std::size_t size = std::size_t(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return true;
}

bool scrypt(const std::string& password, const std::vector<unsigned char>& salt, uint64_t n, uint64_t r, uint64_t p,
            std::vector<unsigned char>& out) {
  return EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, p, kMaxMemory, out.data(),
                        out.size()) == 1;
}

}  // namespace

Result<std::string> hashPassword(const std::string& password) {
  std::vector<unsigned char> salt(kSaltBytes), hash(kHashBytes);
  if (RAND_bytes(salt.data(), int(salt.size())) != 1) return Status::internal("no random bytes for the salt");
  if (!scrypt(password, salt, kN, kR, kP, hash)) return Status::internal("scrypt failed");
  return "scrypt:" + std::to_string(kN) + ":" + std::to_string(kR) + ":" + std::to_string(kP) + ":" +
         base64(salt.data(), salt.size()) + ":" + base64(hash.data(), hash.size());
}

bool verifyPassword(const std::string& password, const std::string& stored) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t colon = stored.find(':', start);
    parts.push_back(stored.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  const uint64_t n = std::strtoull(parts[1].c_str(), nullptr, 10), r = std::strtoull(parts[2].c_str(), nullptr, 10),
                 p = std::strtoull(parts[3].c_str(), nullptr, 10);
  if (n < 2 || n > (1u << 20) || r < 1 || r > 32 || p < 1 || p > 16) return false;
  std::vector<unsigned char> salt, expected;
  if (!unbase64(parts[4], salt) || !unbase64(parts[5], expected) || expected.empty() || expected.size() > 64) return false;
  std::vector<unsigned char> hash(expected.size());
  if (!scrypt(password, salt, n, r, p, hash)) return false;
  return CRYPTO_memcmp(hash.data(), expected.data(), hash.size()) == 0;
}

std::string randomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), int(raw.size())) != 1) std::abort();  // no randomness: no safe session
  std::string out = base64(raw.data(), raw.size());
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

}  // namespace renkei

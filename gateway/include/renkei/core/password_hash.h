// Reviewers' passwords, stored as scrypt hashes (OpenSSL's EVP_PBE_scrypt, a memory-hard slow
// hash): "scrypt:N:r:p:<salt base64>:<hash base64>". Checking takes the same time whatever the
// password; a random salt per password.
#pragma once

#include <string>

#include "renkei/core/status.h"

namespace renkei {

/// The stored form of `password` with a fresh random salt (N = 2^15, r = 8, p = 1).
Result<std::string> hashPassword(const std::string& password);

/// True when `password` matches `stored`; false for a wrong password or a malformed `stored`.
bool verifyPassword(const std::string& password, const std::string& stored);

/// Random bytes as URL-safe base64 without padding (session tokens, CSRF tokens).
std::string randomToken(std::size_t bytes = 32);

}  // namespace renkei

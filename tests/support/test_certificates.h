// Test certificates made with the openssl CLI: a CA, a server certificate for 127.0.0.1, a client
// certificate signed by the CA, and an unrelated self-signed one ("other").
#pragma once

#include <filesystem>

namespace renkei::test {

/// Writes ca.crt/.key, server.crt/.key, client.crt/.key and other.crt/.key into `dir`.
bool makeTestCertificates(const std::filesystem::path& dir);

}  // namespace renkei::test

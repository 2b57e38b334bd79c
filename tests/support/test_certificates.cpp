// makeTestCertificates: one shell script of openssl commands.
#include "support/test_certificates.h"

#include <cstdlib>
#include <string>

namespace renkei::test {

bool makeTestCertificates(const std::filesystem::path& dir) {
  const std::string script =
      "cd '" + dir.string() + "' && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
      "-subj '/CN=Renkei Test CA' >/dev/null 2>&1 && "
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=127.0.0.1' >/dev/null 2>&1 && "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt "
      "-days 2 -extfile san.ext >/dev/null 2>&1 && "
      "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
      "-subj '/CN=renkei-gateway' >/dev/null 2>&1 && "
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt "
      "-days 2 >/dev/null 2>&1 && "
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.crt -days 2 "
      "-subj '/CN=Someone Else' >/dev/null 2>&1";
  return std::system(script.c_str()) == 0;
}

}  // namespace renkei::test

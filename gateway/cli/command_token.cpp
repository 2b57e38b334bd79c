// `renkei token`: makes a new random API token for a fhir_http client and prints it with the
// SHA-256 that goes into the config (the token itself is never stored by Renkei).
#include <fstream>
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/digest.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei token\n"
      "\n"
      "Makes a new random API token for a fhir_http client and prints it with its SHA-256 (the\n"
      "client's token_sha256 in the config). Renkei never stores the token itself.\n",
      {},
      {}};
  return s;
}

}  // namespace

int runToken(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  if (!line.args->positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + line.args->positionals().front() + "'");
  }
  std::ifstream random("/dev/urandom", std::ios::binary);
  unsigned char bytes[32];
  if (!random.read(reinterpret_cast<char*>(bytes), sizeof bytes)) {
    printError("cannot read /dev/urandom");
    return 1;
  }
  static const char* kHex = "0123456789abcdef";
  std::string token = "rk_";
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  std::cout << "token:        " << token << "\n"
            << "token_sha256: " << sha256Hex(token) << "\n"
            << "Give the token to the client once; put token_sha256 in the client's config entry.\n";
  return 0;
}

}  // namespace renkei::cli

// `renkei password`: reads a password from standard input (one line) and prints its scrypt hash
// for a fax_review account's password_hash. The password is never an argument (ps would show it).
#include <iostream>
#include <string>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/password_hash.h"

namespace renkei::cli {
namespace {

const CommandSpec& passwordSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage =
        "usage: renkei password < FILE\n"
        "\n"
        "Reads one line (the password, at least 10 characters) from standard input and prints its\n"
        "scrypt hash (\"scrypt:N:r:p:salt:hash\") for a fax_review account's password_hash.\n";
    return c;
  }();
  return s;
}

}  // namespace

int runPassword(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, passwordSpec());
  if (!line.args) return line.exitCode;
  if (!line.args->positionals().empty()) return usageError(passwordSpec(), "the password comes on standard input");
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.size() < 10) return usageError(passwordSpec(), "a password of at least 10 characters");
  auto hash = hashPassword(password);
  if (!hash.ok()) {
    printError(hash.status().message());
    return 2;
  }
  std::cout << hash.value() << '\n';
  return 0;
}

}  // namespace renkei::cli

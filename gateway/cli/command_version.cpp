// `renkei version` (also `renkei --version`): the version, the commit it was built from and the
// store schema version this build migrates to, one "key value" line each.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/build_info.h"
#include "renkei/store/store.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei version\n"
      "       renkei --version\n"
      "\n"
      "Prints the version, the commit this binary was built from and the store schema version it\n"
      "migrates a store to (the same figures as /healthz and renkei_build_info on /metrics).\n",
      {},
      {}};
  return s;
}

}  // namespace

int runVersion(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  if (!line.args->positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + line.args->positionals().front() + "'");
  }
  std::cout << "renkei " << buildVersion() << "\ncommit " << buildCommit() << "\nstore_schema "
            << store::latestSchemaVersion() << '\n';
  return 0;
}

}  // namespace renkei::cli

// renkei: one binary, several subcommands.
#include <cstring>
#include <iostream>
#include <string>

#include "commands.h"

namespace {

void usage() {
  std::cout << "usage: renkei <command> [options]\n"
               "\n"
               "commands:\n"
               "  validate [--profile URL] [--package PATH] [--format text|json] FILE...|-\n"
               "           validate FHIR R4 JSON or XML (exit 0 valid, 1 invalid, 2 unreadable)\n"
               "  convert --to json|xml [--pretty] FILE|-\n"
               "           convert between FHIR JSON and XML\n"
               "  fhirpath [--strict] [--trace] [--var NAME=VALUE]... 'EXPRESSION' FILE|-\n"
               "           evaluate FHIRPath on a resource; prints a JSON array of {type, value}\n"
               "           (exit 0 evaluated, 1 evaluation error, 2 syntax error or unreadable)\n"
               "  definitions [--package PATH]\n"
               "           list loaded profiles and definition warnings (exit 1 on warnings)\n"
               "  serve --config FILE [--daemon] [--pidfile=FILE]\n"
               "           run the gateway (sources, pipeline, deliveries, /metrics, /healthz)\n"
               "  check-config FILE\n"
               "           check a gateway config; prints every error with its JSON pointer\n"
               "  outbox --config FILE list|dead|show|retry|replay ...\n"
               "           inspect and operate the delivery queue\n"
               "  audit --config FILE [--limit N]\n"
               "           the newest API requests as a Bundle of FHIR AuditEvents\n"
               "  token    make an API token for a fhir_http client (prints it and its SHA-256)\n"
               "  help     this text\n"
               "\n"
               "common options:\n"
               "  --package PATH      load a FHIR package (.tgz or folder) in addition to R4 core\n"
               "  --definitions DIR   R4 core definitions (default: $RENKEI_DEFINITIONS_DIR or the\n"
               "                      build's .deps location)\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
    usage();
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "convert") return renkei::cli::runConvert(argc, argv);
  if (command == "validate") return renkei::cli::runValidate(argc, argv);
  if (command == "definitions") return renkei::cli::runDefinitions(argc, argv);
  if (command == "fhirpath") return renkei::cli::runFhirPath(argc, argv);
  if (command == "serve") return renkei::cli::runServe(argc, argv);
  if (command == "check-config") return renkei::cli::runCheckConfig(argc, argv);
  if (command == "outbox") return renkei::cli::runOutbox(argc, argv);
  if (command == "token") return renkei::cli::runToken(argc, argv);
  if (command == "audit") return renkei::cli::runAudit(argc, argv);
  std::cerr << "renkei: unknown command '" << command << "' (try: renkei help)\n";
  return 2;
}

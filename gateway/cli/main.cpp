// renkei: one binary, several subcommands; `renkei help` lists them, `renkei COMMAND --help`
// prints one command's usage.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "commands.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"validate", renkei::cli::runValidate,
     "validate FHIR R4 JSON or XML (exit 0 valid, 1 invalid, 2 unreadable)"},
    {"convert", renkei::cli::runConvert, "convert between FHIR JSON and XML"},
    {"fhirpath", renkei::cli::runFhirPath,
     "evaluate FHIRPath on a resource; prints a JSON array of {type, value}"},
    {"definitions", renkei::cli::runDefinitions,
     "list loaded profiles and definition warnings (exit 1 on warnings)"},
    {"serve", renkei::cli::runServe,
     "run the gateway (sources, pipeline, deliveries, /metrics, /healthz)"},
    {"check-config", renkei::cli::runCheckConfig,
     "check a gateway config; prints every error with its JSON pointer"},
    {"outbox", renkei::cli::runOutbox, "inspect and operate the delivery queue"},
    {"notifications", renkei::cli::runNotifications,
     "care-team notifications: list, acknowledge for a recipient, send the digests now"},
    {"intake", renkei::cli::runIntake,
     "find a received input by message id, or list the failed inputs of watched folders"},
    {"map", renkei::cli::runMap,
     "a file in a mapped layout → validated FHIR Bundles (or --reverse)"},
    {"mapping", renkei::cli::runMapping, "check the mappings, or run their golden cases"},
    {"ocr", renkei::cli::runOcr, "read a scanned or faxed form: its fields as JSON, accepted or for review"},
    {"form", renkei::cli::runForm, "the fax form templates: check, print a blank, make samples, run golden images"},
    {"faxes", renkei::cli::runFaxes, "the faxed forms kept for a person to confirm (the review queue)"},
    {"password", renkei::cli::runPassword, "a fax reviewer's password (standard input) → its scrypt hash for the config"},
    {"directory", renkei::cli::runDirectory,
     "a directory spreadsheet (CSV) → a FHIR transaction Bundle to post to the endpoint"},
    {"reindex", renkei::cli::runReindex,
     "recompute the search index of the stored resources (after an upgrade)"},
    {"audit", renkei::cli::runAudit, "the newest API requests as a Bundle of FHIR AuditEvents"},
    {"match", renkei::cli::runMatch,
     "match a Patient against the stored patients of every organization (link, review or new)"},
    {"patients", renkei::cli::runPatients,
     "the patient registry: records waiting for a person, a record's history, link or separate"},
    {"token", renkei::cli::runToken,
     "make an API token for a fhir_http client (prints it and its SHA-256)"},
    {"version", renkei::cli::runVersion,
     "print the version, the commit and the store schema version (also: --version)"},
};

void usage(std::ostream& out) {
  out << "usage: renkei COMMAND [options]\n"
         "       renkei COMMAND --help      the command's usage and options\n"
         "\n"
         "commands:\n";
  for (const Command& c : kCommands) {
    std::string name = c.name;
    out << "  " << name << std::string(name.size() < 14 ? 14 - name.size() : 1, ' ') << c.summary
        << '\n';
  }
  out << "  help          this text; help COMMAND is COMMAND --help\n";
}

/// Tesseract's OpenMP threads make OCR several times slower on two cores, and OpenMP reads its
/// thread limit once, when the process starts: a command that reads faxes starts itself again
/// with OMP_THREAD_LIMIT=1 unless the environment already sets it.
void singleThreadedOcr(char** argv) {
  if (std::getenv("OMP_THREAD_LIMIT") != nullptr) return;
  setenv("OMP_THREAD_LIMIT", "1", 1);
  execv("/proc/self/exe", argv);  // returns only when it failed: go on with OpenMP's default
}

const Command* find(const std::string& name) {
  for (const Command& c : kCommands) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(std::cerr);
    return 2;
  }
  const std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    if (argc < 3) {
      usage(std::cout);
      return 0;
    }
    const Command* c = find(argv[2]);
    if (c == nullptr) {
      std::cerr << "renkei: unknown command '" << argv[2] << "' (try: renkei help)\n";
      return 2;
    }
    char help[] = "--help";
    char* helpArgv[] = {argv[0], argv[2], help, nullptr};
    return c->run(3, helpArgv);
  }
  if (command == "--version") return renkei::cli::runVersion(argc, argv);
  if (command == "serve" || command == "ocr" || command == "form") singleThreadedOcr(argv);
  if (const Command* c = find(command)) return c->run(argc, argv);
  std::cerr << "renkei: unknown command '" << command << "' (try: renkei help)\n";
  return 2;
}

// `renkei directory csv FILE [--encoding E]`: a ward's directory spreadsheet (one row per clinic,
// station, office, pharmacy) → a FHIR transaction Bundle of PUTs that the organization keeping the
// list posts to the FHIR endpoint (curl -X POST …/fhir with its token). Every problem is reported
// with its line, and nothing is printed unless every row is right.
#include <iostream>

#include "cli_support.h"
#include "commands.h"
#include "renkei/care/directory_csv.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      std::string("usage: renkei directory csv FILE [--encoding utf-8|cp932]\n"
                  "\n"
                  "Turns a directory spreadsheet saved as CSV (a header row, then one clinic, station,\n"
                  "care office, pharmacy or dentist per row) into a FHIR transaction Bundle of PUTs:\n"
                  "Organization, its Endpoint when `channel` names a configured sink, its\n"
                  "HealthcareService when it lists specialties or home visits. Post it to the FHIR\n"
                  "endpoint with the token of the organization that keeps the list; importing again\n"
                  "updates the same entries. Exit 1 with every problem and its line.\n"
                  "\n"
                  "columns (English or Japanese header, any order; id and name required):\n  ") +
          care::kDirectoryColumns +
          "\n"
          "\n"
          "options:\n"
          "  --encoding E        utf-8 (default; a BOM is skipped) or cp932 (what Excel writes)\n",
      {"encoding"},
      {}};
  return s;
}

}  // namespace

int runDirectory(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  const std::vector<std::string>& p = args.positionals();
  if (p.size() != 2 || p[0] != "csv") return usageError(spec(), "name the action (csv) and FILE");
  auto encoding = mapping::parseEncoding(args.get("encoding", "utf-8"));
  if (!encoding.ok()) return usageError(spec(), encoding.status().message());
  auto bytes = readInput(p[1]);
  if (!bytes.ok()) {
    printError(bytes.status().message());
    return 2;
  }
  auto bundle = care::directoryBundleFromCsv(bytes.value(), encoding.value());
  if (!bundle.ok()) {
    printError(bundle.status().message());
    return 1;
  }
  std::cout << bundle.value() << '\n';
  return 0;
}

}  // namespace renkei::cli

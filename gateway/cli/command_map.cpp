// `renkei map` (a file in a layout → canonical FHIR Bundles, validated; or --reverse: Bundles →
// the layout) and `renkei mapping check|test` (load every mapping and report every error; run
// the golden cases). Exit codes like validate: 0 valid, 1 invalid or a golden mismatch, 2
// unreadable input or usage.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>

#include "cli_support.h"
#include "renkei/core/file_io.h"
#include "commands.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/mapping/streamed_mapping.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::cli {
namespace {
namespace fs = std::filesystem;

const CommandSpec& mapSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei map [--mappings DIR] [--mapping NAME] [--param KEY=VALUE]... FILE...\n"
        "       renkei map --reverse --mapping NAME [--mappings DIR] BUNDLE...\n"
        "\n"
        "Reads files in a mapped layout (a ward's linkage sheet, a care-plan CSV table) and prints\n"
        "one canonical FHIR Bundle per record, validated; row problems are printed as an\n"
        "OperationOutcome with the row's line and column. Without --mapping the mapping is picked\n"
        "as the folder source picks it (file name, then header). --reverse renders Bundles (JSON)\n"
        "into the layout (UTF-8). Exit 0 valid, 1 invalid or rows refused, 2 unreadable.\n"
        "\n"
        "options:\n"
        "  --mappings DIR      the mappings folder (default: $RENKEI_MAPPINGS_DIR or the source\n"
        "                      tree's mappings/)\n"
        "  --mapping NAME      the mapping's id\n"
        "  --param KEY=VALUE   a mapping parameter, as a source's mapping_parameters give it (e.g.\n"
        "                      institution=1312345678 for HL7 v2 whose MSH-4 has no institution code)\n"
        "  --reverse           Bundles → layout\n"
        "  --check             map and validate, print only problems and a summary line (records,\n"
        "                      rows, row issues) instead of the Bundles\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    c.valued.insert({"mappings", "mapping", "param"});
    c.flags = {"reverse", "check"};
    return c;
  }();
  return s;
}

const CommandSpec& mappingSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
        "usage: renkei mapping check [--mappings DIR]\n"
        "       renkei mapping test [--mappings DIR] [NAME]...\n"
        "\n"
        "check loads every mapping and prints every error with its file and JSON pointer (exit 1\n"
        "when there is one). test runs the golden cases of each mapping (all, or those named):\n"
        "golden/<case>/input.csv → the Bundles in expected.json, each valid; and expected.json →\n"
        "expected.csv when that file exists (the reverse direction). Exit 1 on any mismatch.\n"
        "\n"
        "options:\n"
        "  --mappings DIR      the mappings folder (default: $RENKEI_MAPPINGS_DIR or the source\n"
        "                      tree's mappings/)\n") +
        kDefinitionOptionsUsage;
    c.valued = kDefinitionOptions;
    c.valued.insert("mappings");
    return c;
  }();
  return s;
}

void printMappingErrors(const std::vector<mapping::MappingError>& errors) {
  for (const auto& e : errors) {
    std::cerr << e.file << (e.pointer.empty() ? "" : " " + e.pointer) << ": " << e.message << '\n';
  }
}

std::string pretty(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  rapidjson::StringBuffer sb;
  renkei::fhir::RunCopyingPrettyWriter w(sb);
  w.SetIndent(' ', 2);
  d.Accept(w);
  return sb.GetString();
}

/// Row issues as an OperationOutcome (line as the standard extension, column in the expression).
std::string rowOutcome(const std::vector<mapping::RowIssue>& issues, bool rejected) {
  std::vector<fhir::Issue> out;
  for (const auto& i : issues) {
    fhir::Issue issue = fhir::fatalIssue("column '" + i.column + "': " + i.message, i.line, 0);
    issue.severity = fhir::Severity::Error;
    out.push_back(issue);
  }
  if (rejected) out.push_back(fhir::fatalIssue("the mapping is all-or-nothing: no record of the file was used"));
  return fhir::operationOutcomeJson(out);
}

struct Loaded {
  mapping::MappingSet set;
  bool ok = true;
};

Loaded loadSet(const Arguments& args) {
  std::vector<mapping::MappingError> errors;
  Loaded l{mapping::MappingSet::load(args.get("mappings", mapping::defaultMappingsDir()), errors)};
  if (!errors.empty()) {
    printMappingErrors(errors);
    l.ok = false;
  }
  return l;
}

/// Validates each Bundle; prints the issues of invalid ones to stderr; false when one is invalid.
bool validateAll(const std::vector<std::string>& bundles, const fhir::Validator& validator,
                 const std::string& source, std::size_t firstRecord = 0) {
  bool valid = true;
  for (std::size_t i = 0; i < bundles.size(); ++i) {
    auto read = fhir::readResource(bundles[i], fhir::SourceFormat::Json);
    if (!read.ok()) {
      std::cerr << source << " record " << firstRecord + i + 1 << ": " << read.status.message() << '\n';
      valid = false;
      continue;
    }
    fhir::ValidationResult result = validator.validate(*read.document);
    if (result.errorCount() > 0) {
      std::vector<fhir::Issue> errors;
      for (const fhir::Issue& issue : result.issues) {
        if (issue.severity == fhir::Severity::Error || issue.severity == fhir::Severity::Fatal) errors.push_back(issue);
      }
      std::cerr << fhir::issuesAsText(errors, source + " record " + std::to_string(firstRecord + i + 1));
      valid = false;
    }
  }
  return valid;
}

/// An input read in pieces, from its start again when asked: a file, or standard input held
/// in memory (it cannot be read twice).
class Pieces {
 public:
  static Result<Pieces> open(const std::string& path) {
    Pieces p;
    if (path == "-") {
      auto all = readInput(path);
      if (!all.ok()) return all.status();
      p.held_ = std::move(all).value();
      p.fromMemory_ = true;
      return p;
    }
    p.file_.open(path, std::ios::binary);
    if (!p.file_) return Status::unavailable("cannot open the file");
    return p;
  }
  /// The next piece (empty at the end).
  std::string next(std::size_t size) {
    if (fromMemory_) {
      std::string out = held_.substr(std::min(at_, held_.size()), size);
      at_ += out.size();
      return out;
    }
    std::string out(size, '\0');
    file_.read(out.data(), static_cast<std::streamsize>(size));
    out.resize(static_cast<std::size_t>(file_.gcount()));
    return out;
  }
  void rewind() {
    at_ = 0;
    file_.clear();
    file_.seekg(0);
  }

 private:
  std::ifstream file_;
  std::string held_;
  std::size_t at_ = 0;
  bool fromMemory_ = false;
};

constexpr std::size_t kPiece = 1 << 20;

/// Feeds the whole input to `mapped`, handing the records of each slice to `onRecords`.
Status mapAll(Pieces& input, mapping::StreamedMapping& mapped,
              const std::function<void(std::vector<mapping::StreamedRecord>&)>& onRecords) {
  std::vector<mapping::StreamedRecord> records;
  for (std::string piece = input.next(kPiece); !piece.empty(); piece = input.next(kPiece)) {
    RENKEI_RETURN_IF_ERROR(mapped.feed(piece, records));
    onRecords(records);
    records.clear();
  }
  RENKEI_RETURN_IF_ERROR(mapped.finish(records));
  onRecords(records);
  return {};
}

/// One input, streamed: its records are validated and printed slice by slice, so memory stays
/// flat for a gigabyte export. An all-or-nothing file is checked to its end first, so a refused
/// file prints no record. Returns the exit code.
int mapOne(const std::string& path, const Arguments& args, const mapping::MappingSet& set,
           const fhir::Validator& validator, const mapping::MappingParameters& parameters) {
  auto input = Pieces::open(path);
  if (!input.ok()) {
    std::cerr << path << ": " << input.status().message() << '\n';
    return 2;
  }
  const std::string base = fs::path(path).filename().string();
  const std::string name = mapping::withMappingParameters(base, parameters);  // what the engine reads
  const std::string head = input->next(64 * 1024);
  input->rewind();
  const mapping::Mapping* m = args.has("mapping") ? set.byId(args.get("mapping")) : set.pick(base, head);
  if (m == nullptr) {
    std::cerr << path << ": " << (args.has("mapping") ? "no mapping '" + args.get("mapping") + "'"
                                                       : std::string("no mapping recognises this file")) << '\n';
    return 2;
  }
  auto unreadable = [&](const Status& status) {
    std::cout << fhir::operationOutcomeJson({fhir::fatalIssue(status.message())}) << '\n';
    return 2;
  };
  const bool checkOnly = args.has("check");
  bool valid = true;
  std::size_t count = 0, rows = 0;
  auto emit = [&](std::vector<mapping::StreamedRecord>& records) {
    std::vector<std::string> bundles;
    for (mapping::StreamedRecord& r : records) {
      if (!checkOnly) std::cout << pretty(r.record.bundleJson) << '\n';
      rows += r.record.lines.size();
      bundles.push_back(std::move(r.record.bundleJson));
    }
    valid = validateAll(bundles, validator, path, count) && valid;
    count += bundles.size();
  };
  auto report = [&](const std::vector<mapping::RowIssue>& issues, std::size_t issueCount, bool rejected) {
    int exitCode = valid ? 0 : 1;
    if (issueCount > 0 || rejected) {
      std::cout << rowOutcome(issues, rejected) << '\n';
      exitCode = 1;
    }
    if (checkOnly) {
      std::cout << path << ": mapping " << m->id << ", " << count << " records from " << rows << " rows, "
                << issueCount << " row issues, " << (valid ? "all valid" : "some invalid") << '\n';
    }
    return exitCode;
  };
  if (m->layout.hl7v2) {  // one message, read whole (within the CLI's input cap)
    std::string bytes;
    for (std::string piece = input->next(kPiece); !piece.empty(); piece = input->next(kPiece)) {
      bytes += piece;
      if (bytes.size() > kDefaultMaxInputBytes) {
        return unreadable(Status::tooLarge("the input exceeds the limit of " + std::to_string(kDefaultMaxInputBytes) +
                                           " bytes"));
      }
    }
    auto outcome = mapping::mapFile(*m, bytes, name);
    if (!outcome.ok()) return unreadable(outcome.status());
    std::vector<mapping::StreamedRecord> records;
    for (mapping::MappedRecord& r : outcome->records) records.push_back({std::move(r), ""});
    emit(records);
    return report(outcome->issues, outcome->issues.size(), outcome->rejected);
  }
  if (m->allOrNothing) {
    mapping::StreamedMapping::Options only;
    only.mode = mapping::MapMode::RecordsOnly;
    only.recordBytes = false;
    mapping::StreamedMapping check(*m, name, only);
    Status read = mapAll(input.value(), check, [](std::vector<mapping::StreamedRecord>&) {});
    if (!read.ok()) return unreadable(read);
    if (check.rejected()) {
      std::cout << rowOutcome(check.issues(), true) << '\n';
      return 1;
    }
    input->rewind();
  }
  mapping::StreamedMapping::Options withoutBytes;
  withoutBytes.recordBytes = false;
  mapping::StreamedMapping mapped(*m, name, withoutBytes);
  Status read = mapAll(input.value(), mapped, emit);
  if (!read.ok()) return unreadable(read);
  return report(mapped.issues(), mapped.issueCount(), false);
}

int mapForward(const Arguments& args, const mapping::MappingSet& set, const fhir::Validator& validator,
               const mapping::MappingParameters& parameters) {
  int exitCode = 0;
  for (const std::string& path : args.positionals()) {
    const int code = mapOne(path, args, set, validator, parameters);
    if (code > exitCode) exitCode = code;
  }
  return exitCode;
}

int mapReverse(const Arguments& args, const mapping::MappingSet& set) {
  const mapping::Mapping* m = set.byId(args.get("mapping"));
  if (m == nullptr) {
    std::cerr << "no mapping '" << args.get("mapping") << "'\n";
    return 2;
  }
  std::vector<std::string> bundles;
  for (const std::string& path : args.positionals()) {
    auto text = readInput(path);
    if (!text.ok()) {
      std::cerr << path << ": " << text.status().message() << '\n';
      return 2;
    }
    bundles.push_back(std::move(text).value());
  }
  auto rendered = mapping::renderLayout(*m, bundles);
  if (!rendered.ok()) {
    std::cerr << rendered.status().message() << '\n';
    return 1;
  }
  std::cout << rendered.value();
  return 0;
}

/// The Bundles of an expected.json: one Bundle, or an array of them.
/// Copies JSON events into text with numbers exactly as written (11.40 stays 11.40), one text per
/// element of a top-level array (or one for a single value).
class ExactSplitter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ExactSplitter> {
 public:
  std::vector<std::string> texts;

  bool Null() { return emit([&] { return writer_.Null(); }); }
  bool Bool(bool b) { return emit([&] { return writer_.Bool(b); }); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return emit([&] { return writer_.RawNumber(s, n); }); }
  bool String(const char* s, rapidjson::SizeType n, bool) { return emit([&] { return writer_.String(s, n); }); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return writer_.Key(s, n); }
  bool StartObject() { return open([&] { return writer_.StartObject(); }); }
  bool EndObject(rapidjson::SizeType n) { return close([&] { return writer_.EndObject(n); }); }
  bool StartArray() {
    if (depth_ == 0 && !topArraySeen_) {  // the list of expected Bundles itself
      topArraySeen_ = true;
      topIsArray_ = true;
      ++depth_;
      return true;
    }
    return open([&] { return writer_.StartArray(); });
  }
  bool EndArray(rapidjson::SizeType n) {
    if (topIsArray_ && depth_ == 1) {
      --depth_;
      return true;
    }
    return close([&] { return writer_.EndArray(n); });
  }

 private:
  template <typename F>
  bool open(F write) {
    topArraySeen_ = true;
    ++depth_;
    return write();
  }
  template <typename F>
  bool close(F write) {
    const bool ok = write();
    --depth_;
    if (depth_ == (topIsArray_ ? 1 : 0)) done();
    return ok;
  }
  template <typename F>
  bool emit(F write) {
    topArraySeen_ = true;
    const bool ok = write();
    if (depth_ == (topIsArray_ ? 1 : 0)) done();
    return ok;
  }
  void done() {
    texts.emplace_back(buffer_.GetString(), buffer_.GetSize());
    buffer_.Clear();
    writer_.Reset(buffer_);
  }

  rapidjson::StringBuffer buffer_;
  renkei::fhir::RunCopyingWriter writer_{buffer_};
  int depth_ = 0;
  bool topArraySeen_ = false;
  bool topIsArray_ = false;
};

/// The Bundles of expected.json as text, their numbers as written there.
std::vector<std::string> expectedBundles(const std::string& text) {
  ExactSplitter splitter;
  rapidjson::Reader reader;
  rapidjson::StringStream stream(text.c_str());
  reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, splitter);
  return splitter.texts;
}

/// Runs one golden case folder; prints what differs; true when it passes.
bool runCase(const mapping::Mapping& m, const fs::path& dir, const fhir::Validator& validator) {
  const std::string name = m.id + "/" + dir.filename().string();
  fs::path input;
  std::error_code ec;
  // input.*, or the one file not named expected.* (a case that needs the file's own name).
  std::vector<fs::path> others;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().stem() == "input") input = it->path();
    if (it->is_regular_file(ec) && it->path().stem() != "expected") others.push_back(it->path());
  }
  if (input.empty() && others.size() == 1) input = others.front();
  auto bytes = readInput(input.string());
  auto expectedText = readInput((dir / "expected.json").string());
  if (input.empty() || !bytes.ok() || !expectedText.ok()) {
    std::cout << "FAIL " << name << ": needs input.* and expected.json\n";
    return false;
  }
  rapidjson::Document expected;
  expected.Parse(expectedText.value().c_str());
  if (expected.HasParseError()) {
    std::cout << "FAIL " << name << ": expected.json is not JSON\n";
    return false;
  }
  auto outcome = mapping::mapFile(m, bytes.value(), input.filename().string());
  // A case may expect a refusal: expected.json is then the OperationOutcome of the rows.
  const bool expectsOutcome = expected.IsObject() && expected.HasMember("resourceType") &&
                              std::string(expected["resourceType"].GetString()) == "OperationOutcome";
  std::vector<std::string> actual;
  std::string actualText;
  if (!outcome.ok()) {
    actualText = fhir::operationOutcomeJson({fhir::fatalIssue(outcome.status().message())});
  } else if (expectsOutcome) {
    actualText = rowOutcome(outcome->issues, outcome->rejected);
  } else {
    for (const auto& r : outcome->records) actual.push_back(r.bundleJson);
    actualText = "[" ;
    for (std::size_t i = 0; i < actual.size(); ++i) actualText += (i ? "," : "") + actual[i];
    actualText += "]";
  }
  rapidjson::Document got;
  got.Parse(actualText.c_str());
  rapidjson::Document want;
  want.CopyFrom(expected, want.GetAllocator());
  if (!expectsOutcome && !want.IsArray()) {
    rapidjson::Value wrapped(rapidjson::kArrayType);
    wrapped.PushBack(want, want.GetAllocator());
    want.SetArray().PushBack(wrapped[0], want.GetAllocator());
  }
  if (got != want) {
    std::cout << "FAIL " << name << ": the mapped output differs from expected.json; it is:\n"
              << pretty(actualText) << '\n';
    return false;
  }
  if (!expectsOutcome && !validateAll(actual, validator, name)) {
    std::cout << "FAIL " << name << ": a mapped Bundle is not valid\n";
    return false;
  }
  if (fs::exists(dir / "expected.csv", ec)) {
    auto expectedCsv = readInput((dir / "expected.csv").string());
    auto rendered = mapping::renderLayout(m, expectedBundles(expectedText.value()));
    if (!rendered.ok() || !expectedCsv.ok() || rendered.value() != expectedCsv.value()) {
      std::cout << "FAIL " << name << " (reverse): "
                << (rendered.ok() ? "the rendered layout differs from expected.csv; it is:\n" + rendered.value()
                                  : rendered.status().message())
                << '\n';
      return false;
    }
  }
  // A layout that names its files renders the input's own name again from its parts, when the
  // name has the form it writes (the first of match.file_names; older forms are only read).
  std::optional<std::map<std::string, std::string>> written;
  if (!m.fileNames.empty()) written = m.fileNames.front().match(input.filename().string());
  if (m.renderedFileName && written && !expectsOutcome) {
    const std::map<std::string, std::string>& parts = *written;
    auto rendered = mapping::renderFileName(m, expectedBundles(expectedText.value()).front(), parts);
    if (!rendered.ok() || rendered.value() != input.filename().string()) {
      std::cout << "FAIL " << name << " (file name): "
                << (rendered.ok() ? "renders as " + rendered.value() : rendered.status().message()) << '\n';
      return false;
    }
  }
  std::cout << "ok   " << name << '\n';
  return true;
}

int runGolden(const Arguments& args, const mapping::MappingSet& set, const fhir::Validator& validator) {
  const std::vector<std::string> wanted(args.positionals().begin() + 1, args.positionals().end());
  int cases = 0, failed = 0;
  for (const auto& m : set.all()) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), m->id) == wanted.end()) continue;
    std::vector<fs::path> dirs;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(m->folder) / "golden", ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec)) dirs.push_back(it->path());
    }
    std::sort(dirs.begin(), dirs.end());
    if (dirs.empty()) {
      std::cout << "FAIL " << m->id << ": no golden cases\n";
      ++failed;
    }
    for (const fs::path& d : dirs) {
      ++cases;
      if (!runCase(*m, d, validator)) ++failed;
    }
  }
  std::cout << cases << " golden cases, " << failed << " failed\n";
  return failed == 0 && cases > 0 ? 0 : 1;
}

}  // namespace

int runMap(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, mapSpec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (args.positionals().empty()) return usageError(mapSpec(), "no input: name FILE...");
  if (args.has("reverse") && !args.has("mapping")) return usageError(mapSpec(), "--reverse needs --mapping");
  mapping::MappingParameters parameters;
  for (const std::string& p : args.all("param")) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos) return usageError(mapSpec(), "--param needs KEY=VALUE, not '" + p + "'");
    parameters[p.substr(0, eq)] = p.substr(eq + 1);
  }
  if (Status s = mapping::checkMappingParameters(parameters); !s.ok()) return usageError(mapSpec(), s.message());
  Loaded loaded = loadSet(args);
  if (!loaded.ok) return 2;
  if (args.has("reverse")) return mapReverse(args, loaded.set);
  auto defs = loadDefinitionsFromArgs(args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  return mapForward(args, loaded.set, *fhirpath::makeValidator(defs.value()), parameters);
}

int runMapping(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, mappingSpec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  const std::string what = args.positionals().empty() ? "" : args.positionals()[0];
  if (what != "check" && what != "test") return usageError(mappingSpec(), "say check or test");
  Loaded loaded = loadSet(args);
  if (what == "check") {
    if (loaded.ok) std::cout << loaded.set.all().size() << " mappings, no errors\n";
    return loaded.ok ? 0 : 1;
  }
  if (!loaded.ok) return 1;
  auto defs = loadDefinitionsFromArgs(args);
  if (!defs.ok()) {
    printError(defs.status().message());
    return 2;
  }
  return runGolden(args, loaded.set, *fhirpath::makeValidator(defs.value()));
}

}  // namespace renkei::cli

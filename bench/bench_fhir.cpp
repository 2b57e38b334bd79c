// Benchmark driver for the FHIR core, measured the way ../shared/bench/peers measures its peers:
// the same 86 inputs cycled to N items, a warm-up pass, then the median of RUNS timed passes.
// Prints one JSON line per mode. Usage: bench_fhir <mode> [N] [RUNS]
//   modes: json-parse, parse-validate, validate (with invariants), validate-core (without),
//          xml2json, json2xml, fhirpath-compiled, fhirpath-evaluate, definitions
//   FP_EXPR sets the FHIRPath expression (default: the peers' one).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/json_reader.h"
#include "renkei/fhir/json_writer.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhir/xml_reader.h"
#include "renkei/fhir/xml_writer.h"
#include "renkei/fhirpath/evaluator.h"
#include "renkei/fhirpath/invariants.h"

namespace {

using namespace renkei::fhir;
namespace fs = std::filesystem;

std::vector<std::string> readDir(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

double peakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

fs::path dataDir() {
  if (const char* env = std::getenv("BENCH_DATA")) return env;
  return fs::path(RENKEI_SOURCE_DIR).parent_path() / "shared/testdata/peer-bench-inputs";
}

std::shared_ptr<const Definitions> loadOrDie(const DefinitionSources& s) {
  auto d = loadDefinitions(s);
  if (!d.ok()) {
    std::cerr << d.status().message() << "\n";
    std::exit(2);
  }
  return d.value();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_fhir <mode> [N] [RUNS]\n";
    return 2;
  }
  std::string mode = argv[1];
  const int n = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 3;

  if (mode == "definitions") {
    DefinitionSources s = defaultDefinitionSources();
    for (int i = 2; i < argc; ++i) s.packages.push_back(argv[i]);
    auto t0 = std::chrono::steady_clock::now();
    auto defs = loadOrDie(s);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "{\"mode\":\"definitions\",\"packages\":" << s.packages.size()
              << ",\"structures\":" << defs->structureCount() << ",\"load_ms\":" << static_cast<int>(ms)
              << ",\"peak_rss_mb\":" << static_cast<int>(peakRssMb()) << "}\n";
    return 0;
  }

  auto t0 = std::chrono::steady_clock::now();
  auto defs = loadOrDie(defaultDefinitionSources());
  const auto validator = renkei::fhirpath::makeValidator(defs);
  Validator coreValidator(defs);
  ElementNavigator nav(*defs);
  std::vector<std::string> json = readDir(dataDir() / "po-json", ".json");
  std::vector<std::string> xml = readDir(dataDir() / "po-xml", ".xml");
  if (json.empty() || xml.empty()) {
    std::cerr << "no inputs in " << dataDir() << " (set BENCH_DATA)\n";
    return 2;
  }
  std::vector<std::unique_ptr<Document>> parsed;
  if (mode == "validate" || mode == "validate-core") {
    for (int i = 0; i < n; ++i) parsed.push_back(readJson(json[i % json.size()]).document);
  }
  // The peers' FHIRPath inputs: the Patient examples among the JSON inputs, pre-parsed.
  std::vector<std::unique_ptr<Document>> patients;
  for (const std::string& text : json) {
    auto r = readJson(text);
    if (r.ok() && r.document->root()->resourceType == "Patient") patients.push_back(std::move(r.document));
  }
  const char* fpEnv = std::getenv("FP_EXPR");
  const std::string fpText = fpEnv ? fpEnv : "Patient.name.where(use='official').family";
  renkei::fhirpath::CompileOptions fpOptions;
  fpOptions.definitions = defs;
  auto fpExpr = renkei::fhirpath::Expression::compile(fpText, fpOptions);
  if (!fpExpr.ok()) {
    std::cerr << fpExpr.status().message() << "\n";
    return 2;
  }
  renkei::fhirpath::Evaluator evaluator;
  double setupMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::size_t check = 0;
  std::function<void(int)> one;
  if (mode == "json-parse") {
    one = [&](int i) { check += readJson(json[i % json.size()]).document->root()->resourceType.size(); };
  } else if (mode == "parse-validate") {
    one = [&](int i) {
      auto r = readJson(json[i % json.size()]);
      check += !validator->validate(*r.document).valid();
    };
  } else if (mode == "validate") {
    one = [&](int i) { check += !validator->validate(*parsed[i]).valid(); };
  } else if (mode == "validate-core") {
    one = [&](int i) { check += !coreValidator.validate(*parsed[i]).valid(); };
  } else if (mode == "fhirpath-compiled") {
    one = [&](int i) {
      check += evaluator.evaluate(*fpExpr, *patients[i % patients.size()]->root()).value().size;
    };
  } else if (mode == "fhirpath-evaluate") {
    one = [&](int i) {
      auto expr = renkei::fhirpath::Expression::compile(fpText, fpOptions);
      check += evaluator.evaluate(*expr, *patients[i % patients.size()]->root()).value().size;
    };
  } else if (mode == "xml2json") {
    one = [&](int i) { check += writeJson(*readXml(xml[i % xml.size()]).document->root(), &nav).size(); };
  } else if (mode == "json2xml") {
    one = [&](int i) {
      check += writeXml(*readJson(json[i % json.size()]).document->root(), nav).value().size();
    };
  } else {
    std::cerr << "unknown mode " << mode << "\n";
    return 2;
  }
  for (int i = 0; i < std::min(n, 1000); ++i) one(i);  // warm-up, as the peers do
  std::vector<double> rates;
  std::size_t firstCheck = 0;
  for (int r = 0; r < runs; ++r) {
    check = 0;
    auto s = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) one(i);
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
    rates.push_back(n / sec);
    if (r == 0) firstCheck = check;
  }
  std::vector<double> sorted = rates;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted[sorted.size() / 2];
  std::cout << "{\"mode\":\"" << mode << "\",\"N\":" << n << ",\"runs\":" << runs
            << ",\"setup_ms\":" << static_cast<int>(setupMs) << ",\"per_s_runs\":[";
  for (std::size_t i = 0; i < rates.size(); ++i) std::cout << (i ? "," : "") << static_cast<long>(rates[i]);
  std::cout << "],\"median_per_s\":" << static_cast<long>(median)
            << ",\"median_us_per_item\":" << 1e6 / median << ",\"check\":" << firstCheck
            << ",\"peak_rss_mb\":" << static_cast<int>(peakRssMb()) << "}\n";
  return 0;
}

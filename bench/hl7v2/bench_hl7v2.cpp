// HL7 v2 parse + map on one thread (issue 12): N distinct ADT messages (bench/hl7v2/adt_messages.h)
// go through what the daemon does to each MLLP message before its commit — the v2 parse, the
// mapping pick (by MSH-9), and the Normalizer: the hl7v2 mapping (ssmix2-adt-a01/a03/a08) to a
// Bundle, the Bundle read and validated against R4 and the Renkei profiles with every invariant,
// canonical JSON written. The stages are also timed alone, so that their shares are known.
// A warm-up pass, then the median of RUNS timed passes. Prints one JSON line per stage.
// Usage: bench_hl7v2 [N] [RUNS] [STAGE]  (STAGE: only that stage, e.g. under perf record)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "adt_messages.h"
#include "renkei/fhir/default_sources.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/fhir/validator.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/hl7v2/message.h"
#include "renkei/mapping/mapping.h"
#include "renkei/mapping/mapping_engine.h"
#include "renkei/pipeline/normalizer.h"

namespace {

using namespace renkei;

[[noreturn]] void die(const std::string& why) {
  std::cerr << "bench_hl7v2: " << why << '\n';
  std::exit(2);
}

/// Median seconds of `runs` passes of `pass` after one warm-up pass.
double medianSeconds(int runs, const std::function<void()>& pass) {
  if (runs <= 0) return 0;
  pass();
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    pass();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void report(const std::string& stage, std::size_t n, double seconds) {
  if (seconds <= 0) return;
  std::cout << "{\"stage\":\"" << stage << "\",\"n\":" << n << ",\"seconds\":" << seconds
            << ",\"per_s\":" << static_cast<long>(static_cast<double>(n) / seconds)
            << ",\"us_each\":" << seconds * 1e6 / static_cast<double>(n) << "}" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 20000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::string only = argc > 3 ? argv[3] : "";

  auto defs = fhir::loadDefinitions(fhir::defaultDefinitionSources());
  if (!defs.ok()) die(defs.status().message());
  const auto validator = fhirpath::makeValidator(defs.value());
  std::vector<mapping::MappingError> errors;
  auto set = std::make_shared<const mapping::MappingSet>(mapping::MappingSet::load(mapping::defaultMappingsDir(), errors));
  for (const auto& e : errors) std::cerr << e.file << ' ' << e.pointer << ": " << e.message << '\n';
  if (!errors.empty()) die("the mappings do not load");
  pipeline::Normalizer normalizer(defs.value(), validator, {});
  normalizer.setMappings(set);

  std::vector<std::string> messages;
  std::size_t bytes = 0;
  for (long i = 0; i < n; ++i) {
    messages.push_back(bench::adtMessage("B", i));
    bytes += messages.back().size();
  }
  // Every message must map to a valid Bundle, or the figures would time refusals.
  std::vector<const mapping::Mapping*> picked;
  std::vector<std::string> bundles;
  for (const std::string& m : messages) {
    const mapping::Mapping* mp = set->pick("", m);
    if (mp == nullptr) die("no mapping takes message " + std::to_string(picked.size()));
    picked.push_back(mp);
    auto normalized = normalizer.normalize(m, pipeline::mappedInputName("mllp-x", mp->id, 1));
    if (!normalized.document) die("message " + std::to_string(bundles.size()) + " refused: " + normalized.error);
    auto outcome = mapping::mapFile(*mp, m);
    bundles.push_back(std::move(outcome->records.front().bundleJson));
  }
  std::cout << "{\"stage\":\"inputs\",\"n\":" << n << ",\"avg_message_bytes\":" << bytes / messages.size()
            << ",\"avg_bundle_bytes\":" << [&] {
                 std::size_t b = 0;
                 for (const auto& s : bundles) b += s.size();
                 return b / bundles.size();
               }() << "}" << std::endl;

  auto runsOf = [&](const std::string& stage) { return only.empty() || only == stage ? runs : 0; };
  std::size_t sink = 0;
  report("parse", messages.size(), medianSeconds(runsOf("parse"), [&] {
           for (const std::string& m : messages) sink += hl7v2::Message::parse(m)->segments().size();
         }));
  report("pick", messages.size(), medianSeconds(runsOf("pick"), [&] {
           for (const std::string& m : messages) sink += set->pick("", m) != nullptr;
         }));
  report("map", messages.size(), medianSeconds(runsOf("map"), [&] {
           for (std::size_t i = 0; i < messages.size(); ++i) sink += mapping::mapFile(*picked[i], messages[i])->records.size();
         }));
  report("read_validate", messages.size(), medianSeconds(runsOf("read_validate"), [&] {
           for (const std::string& b : bundles) {
             auto read = fhir::readResource(b, fhir::SourceFormat::Json);
             sink += validator->validate(*read.document).errorCount();
           }
         }));
  // The headline: what the MLLP handler does to a message before it is committed (its own parse
  // for MSH-10 and MSH-4, the mapping for its MSH-9, and the Normalizer).
  report("parse_map_validate", messages.size(), medianSeconds(runsOf("parse_map_validate"), [&] {
           for (const std::string& m : messages) {
             auto parsed = hl7v2::Message::parse(m);
             sink += parsed->value("MSH-10")->size();
             const mapping::Mapping* mp = set->forMessageType(parsed->type());
             auto normalized = normalizer.normalize(m, pipeline::mappedInputName("mllp-x", mp->id, 1));
             sink += normalized.canonical.size();
           }
         }));
  if (sink == 0 && only.empty()) die("nothing was measured");
  return 0;
}

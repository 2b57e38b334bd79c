// Patient matching benchmark: KNOWN generated patients indexed, then QUERIES new records matched
// one by one (a third of them variants of known patients, the rest strangers and twins): index
// build rate, the index's memory, per-query latency (p50/p99/max) and precision/recall. One JSON line.
// Usage: bench_matching [KNOWN] [QUERIES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "renkei/matching/patient_index.h"
#include "support/patient_population.h"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  const std::size_t known = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1000000;
  const std::size_t queries = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20000;
  renkei::test::PatientPopulation population(20261205);
  const auto patients = population.known(known);
  const auto cases = population.queries(patients, queries);
  auto rssMb = [] {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return resident * 4096 / (1024 * 1024);
  };
  const long before = rssMb();
  renkei::matching::PatientIndex index;
  const auto t0 = Clock::now();
  for (const auto& p : patients) index.upsert(p.id, p.record);
  const double buildSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
  const long indexMb = rssMb() - before;
  std::vector<double> micros;
  micros.reserve(cases.size());
  std::size_t links = 0, correct = 0, withTruth = 0, found = 0;
  for (const auto& c : cases) {
    const auto s = Clock::now();
    const auto r = index.match(c.query);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
    const bool link = r.decision == renkei::matching::MatchDecision::Link;
    links += link;
    if (c.truthId.empty()) continue;
    ++withTruth;
    correct += link && r.candidates[0].patientId == c.truthId;
    for (const auto& m : r.candidates) found += m.patientId == c.truthId;
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))]; };
  std::printf("{\"known\":%zu,\"queries\":%zu,\"build_per_s\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
              "\"max_us\":%.1f,\"precision\":%.4f,\"auto_link_recall\":%.4f,\"candidate_recall\":%.4f,"
              "\"index_mb\":%ld}\n",
              known, cases.size(), static_cast<double>(known) / buildSeconds, at(0.5), at(0.99),
              micros.back(), links ? static_cast<double>(correct) / static_cast<double>(links) : 0.0,
              static_cast<double>(correct) / static_cast<double>(withTruth),
              static_cast<double>(found) / static_cast<double>(withTruth), indexMb);
  return 0;
}

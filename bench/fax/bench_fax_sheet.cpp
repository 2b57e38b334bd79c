// Benchmark driver for the fax_sheet sink's rendering (issue 14: ≥ 20 pages/s): the shipped
// discharge notice as a linkage sheet with its cover page, N times, as PDF only, TIFF G4 only, and
// both (what the sink writes by default); single thread. Prints one JSON line per mode.
// Usage: bench_fax_sheet N
#include <chrono>
#include <filesystem>
#include <iostream>

#include "renkei/core/file_io.h"
#include "renkei/fhir/resource_reader.h"
#include "sink_fax_sheet/linkage_sheet.h"
#include "sink_fax_sheet/sheet_renderer.h"

using namespace renkei;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 100;
  auto sample = readFileLimited(
      (std::filesystem::path(RENKEI_SOURCE_DIR) / "samples/fhir/Bundle-discharge-notice.json").string());
  if (!sample.ok()) return 2;
  auto read = fhir::readResource(sample.value(), fhir::SourceFormat::Json);
  if (!read.ok()) return 2;
  const std::string recipient =
      R"({"role":"family-doctor","member":"Organization/clinic","organization":"clinic-b","display":"佐藤内科クリニック","address":"fax:03-5555-0101"})";
  struct Mode {
    const char* name;
    bool pdf, tiff;
  };
  for (const Mode mode : {Mode{"pdf", true, false}, Mode{"tiff", false, true}, Mode{"pdf+tiff", true, true}}) {
    int pages = 0;
    std::size_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      const adapters::SheetContent sheet = adapters::linkageSheet(
          *read.document->root(), recipient, "rk-bench-" + std::to_string(i), adapters::NameMasking::Masked);
      auto rendered = adapters::renderSheet(sheet, mode.pdf, mode.tiff);
      if (!rendered.ok()) {
        std::cerr << rendered.status().toString() << '\n';
        return 1;
      }
      pages += rendered->pages;
      bytes += rendered->pdf.size() + rendered->tiff.size();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << R"({"mode":")" << mode.name << R"(","sheets":)" << n << R"(,"pages":)" << pages
              << R"(,"pages_per_s":)" << static_cast<int64_t>(pages / seconds) << R"(,"bytes_per_page":)"
              << bytes / std::max(1, pages) << "}\n";
  }
  return 0;
}

// Fax OCR benchmark (issue 13): N generated sample faxes of a shipped form (fine or standard
// mode) read by W workers, each with its own Tesseract engines, as the fax_forms source reads
// them. Prints one JSON line: pages/s, and the accuracy table — fields exact, characters right,
// check boxes, fields auto-accepted, auto-accepted but wrong — overall and per field type. With
// --write DIR it also writes the pages and their values (the baseline reads them).
// usage: bench_fax_ocr FORM N fine|standard WORKERS [--write DIR]
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "renkei/matching/match_keys.h"
#include "renkei/forms/form_reader.h"
#include "renkei/forms/sample_pages.h"
#include "renkei/mapping/municipality_resolver.h"

using namespace renkei::forms;

namespace {

struct Tally {
  int fields = 0, exact = 0, accepted = 0, wrongAccepted = 0;
  std::size_t characters = 0, characterErrors = 0;
};

void add(Tally& t, const FieldReading& f, const std::string& want) {
  ++t.fields;
  t.exact += f.value == want;
  t.accepted += f.accepted;
  t.wrongAccepted += f.accepted && f.value != want;
  const std::u32string expected = renkei::matching::codePoints(want);
  const int n = int(expected.size());
  t.characters += std::size_t(n);
  t.characterErrors +=
      std::size_t(std::min(n, renkei::matching::editDistance(renkei::matching::codePoints(f.value), expected, n)));
}

void print(const char* key, const Tally& t) {
  std::cout << "\"" << key << "\":{\"fields\":" << t.fields << ",\"exact\":" << t.exact << ",\"characters\":" << t.characters
            << ",\"character_errors\":" << t.characterErrors << ",\"accepted\":" << t.accepted
            << ",\"accepted_wrong\":" << t.wrongAccepted << "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::cerr << "usage: bench_fax_ocr FORM N fine|standard WORKERS [--write DIR]\n";
    return 2;
  }
  const std::string formId = argv[1], mode = argv[3];
  const int n = std::atoi(argv[2]), workers = std::atoi(argv[4]);
  const std::string writeDir = argc > 6 && std::string(argv[5]) == "--write" ? argv[6] : "";
  std::vector<renkei::mapping::MappingError> errors;
  FormSet forms = FormSet::load({defaultFormsDir()}, errors);
  const FormTemplate* form = forms.byId(formId);
  if (form == nullptr || !errors.empty()) {
    std::cerr << "no form " << formId << "\n";
    return 2;
  }
  std::mt19937 random(mode == "fine" ? 1001 : 2002);
  FaxDegradation degradation;
  degradation.standard = mode == "standard";
  std::vector<std::string> faxes;
  std::vector<std::map<std::string, std::string>> truth;
  for (int i = 0; i < n; ++i) {
    truth.push_back(sampleValues(*form, random));
    faxes.push_back(sampleFax(*form, truth.back(), degradation, random).value());
    if (!writeDir.empty()) {
      std::ofstream(writeDir + "/page-" + std::to_string(i) + ".tif", std::ios::binary) << faxes.back();
      std::ofstream values(writeDir + "/page-" + std::to_string(i) + ".tsv");
      for (const auto& [k, v] : truth.back()) {
        if (form->field(k)->type != FieldType::Checkbox && !v.empty()) values << k << '\t' << v << '\n';
      }
    }
  }
  std::vector<std::unique_ptr<OcrEngine>> engines;
  for (int w = 0; w < workers; ++w) engines.push_back(std::move(OcrEngine::open().value()));
  std::vector<std::vector<PageReading>> readings(n);
  std::atomic<int> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      FormReader reader(forms, *engines[w]);
      ReaderOptions options;
      options.context.municipalities = renkei::mapping::tokyoMunicipalityResolver();
      for (int i; (i = next++) < n;) readings[i] = reader.read(faxes[i], options).value();
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Tally all;
  std::map<std::string, Tally> byType;
  int recognised = 0;
  for (int i = 0; i < n; ++i) {
    const PageReading& page = readings[i].front();
    recognised += page.form == formId;
    for (const FieldReading& f : page.fields) {
      if (f.type == FieldType::Handwriting) continue;
      add(all, f, truth[i].at(f.name));
      add(byType[fieldTypeName(f.type)], f, truth[i].at(f.name));
    }
  }
  std::cout << "{\"form\":\"" << formId << "\",\"mode\":\"" << mode << "\",\"pages\":" << n << ",\"workers\":" << workers
            << ",\"seconds\":" << seconds << ",\"pages_per_s\":" << n / seconds << ",\"recognised\":" << recognised << ",";
  print("all", all);
  for (const auto& [type, t] : byType) {
    std::cout << ",";
    print(type.c_str(), t);
  }
  std::cout << "}\n";
  return 0;
}

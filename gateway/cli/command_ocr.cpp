// `renkei ocr` (a scanned or faxed form → its fields as JSON, each accepted or for review) and
// `renkei form check|blank|sample|test` (the form templates: load and report errors, print a
// blank, make degraded sample faxes, run the golden images).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/core/file_io.h"
#include "renkei/forms/form_reader.h"
#include "renkei/forms/form_renderer.h"
#include "renkei/forms/sample_pages.h"
#include "renkei/mapping/municipality_resolver.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::cli {
namespace {
namespace fs = std::filesystem;

constexpr const char* kFormsOptionUsage =
    "  --forms DIR         a forms folder besides the shipped one (mappings/forms, or\n"
    "                      $RENKEI_FORMS_DIR); repeatable: an operator adds a form without rebuilding\n";

const CommandSpec& ocrSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
                  "usage: renkei ocr [--forms DIR]... [--form NAME] [--tessdata DIR] FILE\n"
                  "\n"
                  "Reads a scanned or faxed form (TIFF with one page a directory, PNG, JPEG or PDF) and\n"
                  "prints every page's fields as JSON: {\"pages\":[{\"page\",\"form\",\"fields\":[{\"name\",\n"
                  "\"value\",\"confidence\",\"validators\",\"status\"}]}]}. A field is \"accepted\" only when its\n"
                  "confidence reaches the form's threshold and a validator proves it; everything else is\n"
                  "\"review\", with the reason. Without --form each page is identified by the form's QR code,\n"
                  "else by its title. Exit 0 all accepted, 1 something for review or an unknown page,\n"
                  "2 unreadable.\n"
                  "\n"
                  "options:\n") +
              kFormsOptionUsage +
              "  --form NAME         read every page as this form\n"
              "  --tessdata DIR      Tesseract's language data (default: the installed one)\n";
    c.valued = {"forms", "form", "tessdata"};
    return c;
  }();
  return s;
}

const CommandSpec& formSpec() {
  static const CommandSpec s = [] {
    CommandSpec c;
    c.usage = std::string(
                  "usage: renkei form check [--forms DIR]...\n"
                  "       renkei form blank NAME [--forms DIR]... [--out DIR]\n"
                  "       renkei form sample NAME [--forms DIR]... [--out DIR] [--count N] [--seed N]\n"
                  "                          [--standard] [--upside-down] [--skew DEGREES] [--set FIELD=VALUE]...\n"
                  "       renkei form test [--forms DIR]... [NAME]...\n"
                  "\n"
                  "check loads every form template and prints every error with its file and JSON pointer.\n"
                  "blank writes the form's printable blank (NAME-blank.pdf and NAME-blank.png). sample\n"
                  "writes filled sample faxes (NAME-N.tif, G4) with their values (NAME-N.json), degraded\n"
                  "as a fax machine does (skew, shift, specks; fine or --standard resolution). test reads\n"
                  "each form's golden images (golden/<case>.tif with <case>.json): exit 1 when a page is\n"
                  "not recognised, a field is accepted with a wrong value, or fewer fields are exact than\n"
                  "the case's min_exact.\n"
                  "\n"
                  "options:\n") +
              kFormsOptionUsage +
              "  --out DIR           where blank and sample write (default: the current folder)\n"
              "  --count N           sample faxes to write (default 1)\n"
              "  --seed N            the random seed of the values and the degradation (default 1)\n"
              "  --standard          standard resolution (204 × 98 dpi) instead of fine\n"
              "  --upside-down       the sheet fed upside down\n"
              "  --skew DEGREES      the largest skew drawn (default 2)\n"
              "  --set FIELD=VALUE   write VALUE in FIELD instead of a drawn value (repeatable; a masked\n"
              "                      name such as ●木 makes a sheet whose patient a reviewer identifies)\n"
              "  --tessdata DIR      Tesseract's language data (test)\n";
    c.valued = {"forms", "out", "count", "seed", "skew", "set", "tessdata"};
    c.flags = {"standard", "upside-down"};
    return c;
  }();
  return s;
}

std::optional<forms::FormSet> loadForms(const Arguments& args) {
  std::vector<std::string> dirs = {forms::defaultFormsDir()};
  for (const std::string& d : args.all("forms")) dirs.push_back(d);
  std::vector<mapping::MappingError> errors;
  forms::FormSet set = forms::FormSet::load(dirs, errors);
  for (const auto& e : errors) {
    std::cerr << e.file << (e.pointer.empty() ? "" : " " + e.pointer) << ": " << e.message << '\n';
  }
  if (!errors.empty()) return std::nullopt;
  return set;
}

forms::ReaderOptions readerOptions(const Arguments& args) {
  forms::ReaderOptions options;
  options.form = args.get("form");
  options.context.municipalities = mapping::tokyoMunicipalityResolver();
  return options;
}

bool writeFile(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);  // --out names a folder that may not exist yet
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  out.close();
  if (!out) printError("cannot write " + path.string());
  return bool(out);
}

std::string valuesJson(const std::string& form, const std::map<std::string, std::string>& values) {
  rapidjson::StringBuffer sb;
  renkei::fhir::RunCopyingPrettyWriter w(sb);
  w.SetIndent(' ', 1);
  w.StartObject();
  w.Key("form");
  w.String(form.c_str());
  w.Key("values");
  w.StartObject();
  for (const auto& [name, value] : values) {
    w.Key(name.c_str());
    w.String(value.c_str());
  }
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString()) + "\n";
}

int formBlank(const Arguments& args, const forms::FormSet& set) {
  if (args.positionals().size() != 2) return usageError(formSpec(), "name the form");
  const forms::FormTemplate* form = set.byId(args.positionals()[1]);
  if (form == nullptr) return usageError(formSpec(), "no form named '" + args.positionals()[1] + "'");
  const fs::path out = args.get("out", ".");
  auto pdf = forms::renderBlankPdf(*form);
  auto image = forms::renderFormImage(*form, {});
  auto png = image.ok() ? forms::encodePng(image.value()) : Result<std::string>(image.status());
  if (!pdf.ok() || !png.ok()) {
    printError(!pdf.ok() ? pdf.status().message() : png.status().message());
    return 2;
  }
  const bool ok = writeFile(out / (form->id + "-blank.pdf"), pdf.value()) &&
                  writeFile(out / (form->id + "-blank.png"), png.value());
  return ok ? 0 : 2;
}

int formSample(const Arguments& args, const forms::FormSet& set) {
  if (args.positionals().size() != 2) return usageError(formSpec(), "name the form");
  const forms::FormTemplate* form = set.byId(args.positionals()[1]);
  if (form == nullptr) return usageError(formSpec(), "no form named '" + args.positionals()[1] + "'");
  auto count = args.integer("count", 1, 1);
  auto seed = args.integer("seed", 1, 0);
  if (!count.ok() || !seed.ok()) return usageError(formSpec(), "--count and --seed take whole numbers");
  forms::FaxDegradation degradation;
  degradation.standard = args.has("standard");
  degradation.upsideDown = args.has("upside-down");
  if (args.has("skew")) degradation.maxSkewDegrees = std::atof(args.get("skew").c_str());
  std::map<std::string, std::string> given;
  for (const std::string& assignment : args.all("set")) {
    const std::size_t eq = assignment.find('=');
    if (eq == std::string::npos || form->field(assignment.substr(0, eq)) == nullptr) {
      return usageError(formSpec(), "--set takes FIELD=VALUE with a field of the form: '" + assignment + "'");
    }
    given[assignment.substr(0, eq)] = assignment.substr(eq + 1);
  }
  std::mt19937 random(static_cast<uint32_t>(seed.value()));
  const fs::path out = args.get("out", ".");
  for (int64_t i = 1; i <= count.value(); ++i) {
    auto values = forms::sampleValues(*form, random);
    for (const auto& [field, value] : given) values[field] = value;
    auto tiff = forms::sampleFax(*form, values, degradation, random);
    if (!tiff.ok()) {
      printError(tiff.status().message());
      return 2;
    }
    const std::string stem = form->id + "-" + std::to_string(i);
    if (!writeFile(out / (stem + ".tif"), tiff.value()) || !writeFile(out / (stem + ".json"), valuesJson(form->id, values))) {
      return 2;
    }
  }
  return 0;
}

/// One golden case: the image read as its form, compared field by field with the expected values.
bool goldenCase(forms::FormReader& reader, const Arguments& args, const fs::path& image, const fs::path& expectedFile) {
  auto expectedText = readFileLimited(expectedFile.string(), 1 << 20);
  auto bytes = readFileLimited(image.string(), 64 << 20);
  rapidjson::Document expected;
  if (expectedText.ok()) expected.Parse(expectedText->data(), expectedText->size());
  if (!bytes.ok() || !expectedText.ok() || !expected.IsObject() || !expected.HasMember("values")) {
    std::cout << "FAIL " << image.filename().string() << ": the case cannot be read\n";
    return false;
  }
  auto pages = reader.read(bytes.value(), readerOptions(args));
  const std::string form = expected.HasMember("form") ? expected["form"].GetString() : "";
  if (!pages.ok() || pages->size() != 1 || pages->front().form != form) {
    std::cout << "FAIL " << image.filename().string() << ": not read as " << form << '\n';
    return false;
  }
  int exact = 0, total = 0, wrongAccepted = 0, accepted = 0;
  for (const forms::FieldReading& f : pages->front().fields) {
    auto want = expected["values"].FindMember(f.name.c_str());
    if (want == expected["values"].MemberEnd() || f.type == forms::FieldType::Handwriting) continue;
    ++total;
    const bool right = f.value == want->value.GetString();
    exact += right;
    accepted += f.accepted;
    if (f.accepted && !right) {
      ++wrongAccepted;
      std::cout << "  accepted but wrong: " << f.name << '\n';
    }
  }
  const double minExact = expected.HasMember("min_exact") ? expected["min_exact"].GetDouble() : 0.8;
  const bool ok = wrongAccepted == 0 && total > 0 && double(exact) / total >= minExact;
  std::cout << (ok ? "ok   " : "FAIL ") << image.filename().string() << ": " << exact << "/" << total
            << " fields exact, " << accepted << " accepted, " << wrongAccepted << " accepted but wrong\n";
  return ok;
}

int formTest(const Arguments& args, const forms::FormSet& set) {
  auto engine = forms::OcrEngine::open(args.get("tessdata"));
  if (!engine.ok()) {
    printError(engine.status().message());
    return 2;
  }
  forms::FormReader reader(set, *engine.value());
  const std::vector<std::string> names(args.positionals().begin() + 1, args.positionals().end());
  bool ok = true;
  int cases = 0;
  for (const auto& form : set.all()) {
    if (!names.empty() && std::find(names.begin(), names.end(), form->id) == names.end()) continue;
    std::vector<fs::path> images;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(form->folder) / "golden", ec), end; !ec && it != end; it.increment(ec)) {
      const std::string ext = it->path().extension().string();
      if (ext == ".tif" || ext == ".png" || ext == ".pdf") images.push_back(it->path());
    }
    std::sort(images.begin(), images.end());
    for (const fs::path& image : images) {
      ++cases;
      ok = goldenCase(reader, args, image, fs::path(image).replace_extension(".json")) && ok;
    }
  }
  std::cout << cases << " golden images, " << (ok ? "all passed" : "failures") << '\n';
  return ok && cases > 0 ? 0 : 1;
}

}  // namespace

int runOcr(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, ocrSpec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  if (args.positionals().size() != 1) return usageError(ocrSpec(), "name one FILE");
  auto set = loadForms(args);
  if (!set) return 2;
  auto bytes = readInput(args.positionals()[0]);
  if (!bytes.ok()) {
    printError(bytes.status().message());
    return 2;
  }
  auto engine = forms::OcrEngine::open(args.get("tessdata"));
  if (!engine.ok()) {
    printError(engine.status().message());
    return 2;
  }
  forms::FormReader reader(*set, *engine.value());
  auto pages = reader.read(bytes.value(), readerOptions(args));
  if (!pages.ok()) {
    printError(pages.status().message());
    return 2;
  }
  std::cout << forms::readingsJson(pages.value()) << '\n';
  const bool complete = std::all_of(pages->begin(), pages->end(), [](const forms::PageReading& p) { return p.complete(); });
  return complete ? 0 : 1;
}

int runForm(int argc, char** argv) {
  CommandLine line = parseCommandLine(argc, argv, formSpec());
  if (!line.args) return line.exitCode;
  const Arguments& args = *line.args;
  const std::string what = args.positionals().empty() ? "" : args.positionals()[0];
  if (what != "check" && what != "blank" && what != "sample" && what != "test") {
    return usageError(formSpec(), "say check, blank, sample or test");
  }
  auto set = loadForms(args);
  if (!set) return what == "check" ? 1 : 2;
  if (what == "check") {
    std::cout << set->all().size() << " forms, no errors\n";
    return 0;
  }
  if (what == "blank") return formBlank(args, *set);
  if (what == "sample") return formSample(args, *set);
  return formTest(args, *set);
}

}  // namespace renkei::cli

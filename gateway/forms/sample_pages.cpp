// Sample values and degraded fax pages (see sample_pages.h).
#include "renkei/forms/sample_pages.h"

#include <algorithm>

#include "renkei/forms/field_validators.h"
#include "renkei/forms/form_renderer.h"
#include "renkei/forms/page_images.h"
#include "renkei/mapping/wareki.h"

namespace renkei::forms {
namespace {

constexpr double kFaxDpi = 204;

std::string digits(std::size_t n, std::mt19937& random) {
  std::uniform_int_distribution<int> d(0, 9);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += char('0' + d(random));
  return s;
}

/// The length a "length:N" or "length:MIN-MAX" validator asks for (its minimum), or `fallback`.
std::size_t lengthOf(const FieldTemplate& f, std::size_t fallback) {
  for (const std::string& v : f.validators) {
    if (v.rfind("length:", 0) == 0) return std::stoul(v.substr(7));
  }
  return fallback;
}

std::string checkAlgorithm(const FieldTemplate& f) {
  for (const std::string& v : f.validators) {
    if (v.rfind("check_digit:", 0) == 0) return v.substr(12);
  }
  return "";
}

std::string sampleDate(const FieldTemplate& f, std::mt19937& random) {
  std::uniform_int_distribution<int> year(1930, 2025), month(1, 12), day(1, 28), shape(0, 2);
  char iso[16];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year(random), month(random), day(random));
  if (f.type == FieldType::Date) return std::string(iso, 4) + "/" + std::string(iso + 5, 2) + "/" + std::string(iso + 8, 2);
  auto wareki = mapping::isoToWareki(iso, shape(random) == 0);
  return wareki.ok() ? wareki.value() : iso;
}

std::string samplePhone(std::mt19937& random) {
  std::uniform_int_distribution<int> kind(0, 2);
  switch (kind(random)) {
    case 0: return "03-" + digits(4, random) + "-" + digits(4, random);
    case 1: return "042-" + digits(3, random) + "-" + digits(4, random);
    default: return "090-" + digits(4, random) + "-" + digits(4, random);
  }
}

std::string sampleValue(const FieldTemplate& f, std::mt19937& random) {
  if (!f.samples.empty()) {
    std::uniform_int_distribution<std::size_t> pick(0, f.samples.size() - 1);
    return f.samples[pick(random)];
  }
  switch (f.type) {
    case FieldType::Digits: {
      const std::string algorithm = checkAlgorithm(f);
      const std::size_t n = lengthOf(f, 8);
      if (algorithm.empty()) return digits(n, random);
      for (;;) {  // mod11_jlg has no digit for some bodies: draw again
        const std::string body = digits(n - 1, random);
        const int check = checkDigit(algorithm, body);
        if (check >= 0) return body + char('0' + check);
      }
    }
    case FieldType::Phone: return samplePhone(random);
    case FieldType::WarekiDate:
    case FieldType::Date: return sampleDate(f, random);
    case FieldType::Handwriting: return "";
    default: return "テスト";
  }
}

}  // namespace

std::map<std::string, std::string> sampleValues(const FormTemplate& form, std::mt19937& random) {
  std::map<std::string, std::string> out;
  for (const FieldTemplate& f : form.fields) {
    if (f.type == FieldType::Checkbox) {
      // One marked box (for "any", sometimes two), named in the template's order as read.
      std::vector<std::size_t> order(f.options.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), random);
      const bool two = !f.exactlyOne && order.size() > 1 && random() % 2 == 0;
      if (two && order[1] < order[0]) std::swap(order[0], order[1]);
      out[f.name] = f.options[order[0]].value + (two ? "," + f.options[order[1]].value : "");
    } else {
      out[f.name] = sampleValue(f, random);
    }
  }
  return out;
}

Result<std::string> sampleFax(const FormTemplate& form, const std::map<std::string, std::string>& values,
                              const FaxDegradation& degradation, std::mt19937& random) {
  std::uniform_real_distribution<double> skew(-degradation.maxSkewDegrees, degradation.maxSkewDegrees);
  std::uniform_real_distribution<double> shift(-degradation.maxShift, degradation.maxShift);
  RenderOptions options;
  options.scale = kFaxDpi / form.dpi;
  options.rotateDegrees = skew(random);
  options.shiftX = shift(random);
  options.shiftY = shift(random);
  auto page = renderFormImage(form, values, options);
  if (!page.ok()) return page.status();
  GrayPage image = std::move(page).value();
  std::uniform_int_distribution<std::size_t> where(0, image.pixels.size() - 1);
  const auto specks = std::size_t(double(image.pixels.size()) * degradation.specks);
  for (std::size_t i = 0; i < specks; ++i) image.pixels[where(random)] = 0;
  if (degradation.upsideDown) turnUpsideDown(image);
  double yres = kFaxDpi * 196 / 204;
  if (degradation.standard) {  // the fax scans every other line
    GrayPage half;
    half.width = image.width;
    half.height = image.height / 2;
    half.pixels.resize(std::size_t(half.width) * half.height);
    for (uint32_t y = 0; y < half.height; ++y) {
      std::copy_n(image.pixels.begin() + std::size_t(2 * y) * image.width, image.width,
                  half.pixels.begin() + std::size_t(y) * half.width);
    }
    image = std::move(half);
    yres /= 2;
  }
  return encodeFaxTiff({image}, kFaxDpi, yres);
}

}  // namespace renkei::forms

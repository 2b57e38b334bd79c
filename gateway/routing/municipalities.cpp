// Parses the embedded municipality table once and matches codes, names and addresses.
#include "renkei/routing/municipalities.h"

#include <algorithm>

#include "renkei/core/ascii.h"

namespace renkei::embedded {
extern const std::string_view kTokyoMunicipalities;
}

namespace renkei::routing {
namespace {

std::vector<std::string_view> splitLine(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

const MunicipalityTable& MunicipalityTable::tokyo() {
  static const MunicipalityTable table = [] {
    MunicipalityTable t;
    std::string_view csv = embedded::kTokyoMunicipalities;
    bool header = true;
    while (!csv.empty()) {
      std::size_t nl = csv.find('\n');
      std::string_view line = csv.substr(0, nl);
      csv = nl == std::string_view::npos ? std::string_view{} : csv.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (header || line.empty()) {
        header = false;
        continue;
      }
      auto f = splitLine(line);
      if (f.size() < 5) continue;
      t.rows_.push_back({std::string(f[0]), std::string(f[1]), std::string(f[2]),
                         std::string(f[3]), std::string(f[4])});
    }
    for (const Municipality& m : t.rows_) t.byLength_.push_back(&m);
    std::stable_sort(t.byLength_.begin(), t.byLength_.end(),
                     [](auto* a, auto* b) { return a->name.size() > b->name.size(); });
    return t;
  }();
  return table;
}

const Municipality* MunicipalityTable::byCode(std::string_view code) const {
  for (const Municipality& m : rows_) {
    if (m.code == code) return &m;
  }
  return nullptr;
}

const Municipality* MunicipalityTable::find(std::string_view codeOrName) const {
  for (const Municipality& m : rows_) {
    if (m.code == codeOrName || m.name == codeOrName ||
        equalsIgnoringAsciiCase(m.romaji, codeOrName)) {
      return &m;
    }
  }
  return nullptr;
}

const Municipality* MunicipalityTable::fromAddress(std::string_view city,
                                                   std::string_view text) const {
  for (const Municipality& m : rows_) {
    if (!city.empty() && m.name == city) return &m;
  }
  // In free text the name must open it or follow 東京都, so that 大阪市北区 is not 北区.
  static constexpr std::string_view kTokyo = "東京都";
  for (std::string_view t : {city, text}) {
    if (t.rfind(kTokyo, 0) == 0) t.remove_prefix(kTokyo.size());
    for (const Municipality* m : byLength_) {
      if (t.rfind(m->name, 0) == 0) return m;
    }
  }
  return nullptr;
}

}  // namespace renkei::routing

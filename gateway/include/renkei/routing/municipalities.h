// Tokyo's 62 municipalities (団体コード, name, secondary medical area) from the project's data
// file gateway/routing/data/tokyo-municipalities.csv, and address → municipality matching.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace renkei::routing {

struct Municipality {
  std::string code;  ///< 6-digit 団体コード incl. check digit, e.g. "131041"
  std::string name;  ///< e.g. "新宿区"
  std::string kana;
  std::string romaji;
  std::string medicalArea;
};

class MunicipalityTable {
 public:
  /// The embedded table (62 rows).
  static const MunicipalityTable& tokyo();
  const std::vector<Municipality>& all() const { return rows_; }
  const Municipality* byCode(std::string_view code) const;
  /// By code, Japanese name or romaji (case-insensitive), for config values.
  const Municipality* find(std::string_view codeOrName) const;
  /// The municipality an address names: its city (市区町村) exactly, else the longest name that
  /// opens its city or text (after an optional 東京都).
  const Municipality* fromAddress(std::string_view city, std::string_view text) const;

 private:
  std::vector<Municipality> rows_;
  std::vector<const Municipality*> byLength_;  ///< longest name first
};

}  // namespace renkei::routing

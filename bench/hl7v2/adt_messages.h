// HL7 v2.5 ADT messages for the HL7 v2 benchmarks, built like tests/e2e/mllp_client.py's adt():
// SS-MIX2 style (MSH-18 "~ISO IR87", ISO-2022-JP bytes), admissions (A01), discharges (A03) and
// updates (A08) in turn, each with its own control id (MSH-10) and patient id (PID-3), and names,
// birth dates and addresses that vary from message to message.
#pragma once

#include <iconv.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace renkei::bench {

/// UTF-8 → ISO-2022-JP (glibc iconv), as SS-MIX2 writers encode.
inline std::string toIso2022Jp(const std::string& utf8) {
  iconv_t cd = iconv_open("ISO-2022-JP", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error("iconv: no ISO-2022-JP");
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t inLeft = utf8.size();
  char* to = out.data();
  size_t outLeft = out.size();
  const size_t r = iconv(cd, &in, &inLeft, &to, &outLeft);
  const size_t flushed = iconv(cd, nullptr, nullptr, &to, &outLeft);  // back to ASCII at the end
  iconv_close(cd);
  if (r == static_cast<size_t>(-1) || flushed == static_cast<size_t>(-1)) {
    throw std::runtime_error("iconv: not encodable in ISO-2022-JP");
  }
  out.resize(out.size() - outLeft);
  return out;
}

/// Message n of a run: control id "<tag>C<n>", patient id "<tag>P<n>" (tag keeps runs apart).
inline std::string adtMessage(const std::string& tag, long n) {
  struct Name { const char* family; const char* given; const char* kanaFamily; const char* kanaGiven; };
  static const Name names[] = {
      {"山田", "太郎", "ヤマダ", "タロウ"}, {"佐藤", "花子", "サトウ", "ハナコ"}, {"鈴木", "一郎", "スズキ", "イチロウ"},
      {"高橋", "美咲", "タカハシ", "ミサキ"}, {"田中", "次郎", "タナカ", "ジロウ"}, {"伊藤", "洋子", "イトウ", "ヨウコ"},
      {"渡辺", "健", "ワタナベ", "ケン"}, {"中村", "恵子", "ナカムラ", "ケイコ"}};
  struct Place { const char* address; const char* postal; };
  static const Place places[] = {
      {"東京都北区王子本町1-2-%d", "114-8508"}, {"東京都新宿区西新宿2-8-%d", "163-8001"},
      {"東京都世田谷区池尻3-4-%d", "154-0001"}, {"東京都練馬区豊玉北6-12-%d", "176-8501"},
      {"東京都足立区中央本町1-17-%d", "120-8510"}};
  static const char* events[] = {"A01", "A03", "A08"};
  const Name& name = names[n % 8];
  const Place& place = places[(n / 8) % 5];
  const char* event = events[n % 3];
  const char* structure = n % 3 == 1 ? "ADT_A03" : "ADT_A01";
  char address[128], birth[16], buf[1024];
  std::snprintf(address, sizeof address, place.address, static_cast<int>(n % 30 + 1));
  std::snprintf(birth, sizeof birth, "%04d%02d%02d", static_cast<int>(1925 + n % 70), static_cast<int>(1 + n % 12),
                static_cast<int>(1 + n % 28));
  const std::string control = tag + "C" + std::to_string(n);
  const std::string patient = tag + "P" + std::to_string(n);
  std::string m;
  std::snprintf(buf, sizeof buf,
                "MSH|^~\\&|HIS|1312345678|RENKEI|GW|20241122093000||ADT^%s^%s|%s|P|2.5||||||~ISO IR87||ISO 2022-1994\r",
                event, structure, control.c_str());
  m += buf;
  m += "EVN||202411201030\r";
  std::snprintf(buf, sizeof buf, "PID|0001||%s^^^^PI||%s^%s^^^^^L^I~%s^%s^^^^^L^P||%s|%s|||%s^^^^%s^JPN^H||03-3908-1111\r",
                patient.c_str(), name.family, name.given, name.kanaFamily, name.kanaGiven, birth, n % 2 ? "F" : "M",
                address, place.postal);
  m += buf;
  // PV1: 46 fields, PV1-44 the admission and PV1-45 the discharge (for A03) date.
  std::vector<std::string> pv1 = {"PV1", "0001", "I", "5W^501^2^^^N"};
  pv1.resize(46);
  pv1[44] = "202411201030";
  pv1[45] = n % 3 == 1 ? "202411281000" : "";
  std::string segment;
  for (std::size_t i = 0; i < pv1.size(); ++i) segment += (i ? "|" : "") + pv1[i];
  while (!segment.empty() && segment.back() == '|') segment.pop_back();
  m += segment + "\r";
  return toIso2022Jp(m);
}

}  // namespace renkei::bench

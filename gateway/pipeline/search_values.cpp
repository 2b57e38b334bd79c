// Search value extraction and name normalization (ICU Normalizer2 and transliterator).
#include "renkei/pipeline/search_values.h"

#include <memory>

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "renkei/core/json_fields.h"

namespace renkei::pipeline {
namespace {

using rapidjson::Value;
using json::each;
using json::member;
using json::str;

}  // namespace

std::string normalizeName(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (U_SUCCESS(status)) s = nfkc->normalize(s, status);
  thread_local std::unique_ptr<icu::Transliterator> toHiragana = [] {
    UErrorCode st = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Katakana-Hiragana", UTRANS_FORWARD, st));
    return U_SUCCESS(st) ? std::move(t) : nullptr;
  }();
  if (toHiragana) toHiragana->transliterate(s);
  s.toLower();
  icu::UnicodeString compact;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    if (!u_isUWhiteSpace(c) && c != 0x30FB /* ・ */) compact.append(c);
    i += U16_LENGTH(c);
  }
  std::string out;
  compact.toUTF8String(out);
  return out;
}

std::vector<std::pair<std::string, std::string>> searchValues(const Value& r) {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string type = str(r, "resourceType");
  if (type == "Patient") {
    each(r, "identifier", [&](const Value& id) {
      const std::string value = str(id, "value");
      if (value.empty()) return;
      out.emplace_back("identifier", str(id, "system") + "|" + value);
      out.emplace_back("identifier:value", value);
    });
    each(r, "name", [&](const Value& name) {
      std::string family = str(name, "family");
      std::string given;
      each(name, "given", [&](const Value& g) {
        if (g.IsString()) given += g.GetString();
      });
      for (const std::string& part : {family, given, family + given, str(name, "text")}) {
        const std::string n = normalizeName(part);
        if (!n.empty()) out.emplace_back("name", n);
      }
    });
    if (!str(r, "birthDate").empty()) out.emplace_back("birthdate", str(r, "birthDate"));
    if (!str(r, "gender").empty()) out.emplace_back("gender", str(r, "gender"));
  } else if (type == "Encounter") {
    if (const Value* subject = member(r, "subject")) {
      const std::string ref = str(*subject, "reference");
      if (ref.rfind("Patient/", 0) == 0) out.emplace_back("patient", ref);
    }
    if (const Value* period = member(r, "period")) {
      const std::string start = str(*period, "start");
      if (!start.empty()) out.emplace_back("date", start.substr(0, 10));
    }
    if (const Value* cls = member(r, "class")) {
      if (!str(*cls, "code").empty()) out.emplace_back("class", str(*cls, "code"));
    }
  }
  return out;
}

}  // namespace renkei::pipeline

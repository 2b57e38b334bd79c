// The transform registry (name → function) and the text transforms: spaces, NFKC, kana, case,
// defaults and length checks.
#include "renkei/mapping/transforms.h"

#include <array>
#include <charconv>

#include "icu_text.h"
#include "transform_functions.h"

namespace renkei::mapping {
namespace transform {
namespace {

constexpr std::string_view kIdeographicSpace = "\u3000";

/// Length of the space (ASCII space, tab, CR, LF or U+3000) opening `s`, 0 when none.
std::size_t spaceAt(std::string_view s) {
  if (s.empty()) return 0;
  if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') return 1;
  return s.substr(0, kIdeographicSpace.size()) == kIdeographicSpace ? kIdeographicSpace.size() : 0;
}

/// Splits `value` into its runs of spaces and of other text; `onText`/`onSpace` see each run.
template <typename OnText, typename OnSpace>
void runs(std::string_view value, OnText onText, OnSpace onSpace) {
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t j = i;
    if (spaceAt(value.substr(i)) > 0) {
      while (j < value.size() && spaceAt(value.substr(j)) > 0) j += spaceAt(value.substr(j));
      onSpace(i == 0, j == value.size());
    } else {
      while (j < value.size() && spaceAt(value.substr(j)) == 0) ++j;
      onText(value.substr(i, j - i));
    }
    i = j;
  }
}

Result<std::string> trim(std::string_view, std::string_view value, const TransformContext&) {
  std::size_t begin = 0, end = value.size();
  while (begin < end && spaceAt(value.substr(begin)) > 0) begin += spaceAt(value.substr(begin));
  while (end > begin) {
    if (value[end - 1] == ' ' || value[end - 1] == '\t' || value[end - 1] == '\r' || value[end - 1] == '\n') {
      --end;
    } else if (end - begin >= kIdeographicSpace.size() &&
               value.substr(end - kIdeographicSpace.size(), kIdeographicSpace.size()) == kIdeographicSpace) {
      end -= kIdeographicSpace.size();
    } else {
      break;
    }
  }
  return std::string(value.substr(begin, end - begin));
}

Result<std::string> noSpaces(std::string_view, std::string_view value, const TransformContext&) {
  std::string out;
  runs(value, [&](std::string_view t) { out += t; }, [](bool, bool) {});
  return out;
}

Result<std::string> singleSpace(std::string_view, std::string_view value, const TransformContext&) {
  std::string out;
  runs(value, [&](std::string_view t) { out += t; },
       [&](bool first, bool last) {
         if (!first && !last) out += ' ';
       });
  return out;
}

/// A full name's two parts at its first space (ASCII or ideographic): 山田　花子 → 山田 | 花子; a
/// name without a space is all family name.
std::pair<std::string, std::string> splitName(std::string_view value) {
  std::vector<std::string> parts;
  runs(value, [&](std::string_view t) { parts.emplace_back(t); }, [](bool, bool) {});
  if (parts.empty()) return {};
  std::string given;
  for (std::size_t i = 1; i < parts.size(); ++i) given += (i > 1 ? " " : "") + parts[i];
  return {parts[0], given};
}

Result<std::string> familyName(std::string_view, std::string_view value, const TransformContext&) {
  return splitName(value).first;
}

Result<std::string> givenName(std::string_view, std::string_view value, const TransformContext&) {
  return splitName(value).second;
}

Result<std::string> nfkc(std::string_view, std::string_view value, const TransformContext&) {
  return text::nfkc(value);
}

constexpr const char* kHalfwidthKana = "[\\uFF65-\\uFF9F] NFKC";

/// Half-width katakana (U+FF65–U+FF9F) made full width; other text as it is.
Result<std::string> fullwidth(std::string_view value) {
  if (!text::containsAnyIn(value, U'\uFF65', U'\uFF9F')) return std::string(value);
  return text::transliterate(kHalfwidthKana, value);
}

Result<std::string> fullwidthKana(std::string_view, std::string_view value, const TransformContext&) {
  return fullwidth(value);
}

Result<std::string> katakana(std::string_view, std::string_view value, const TransformContext&) {
  auto full = fullwidth(value);
  if (!full.ok() || !text::containsAnyIn(full.value(), U'\u3041', U'\u309E')) return full;
  return text::transliterate("[\\u3041-\\u3096\\u309D\\u309E] Hiragana-Katakana", full.value());
}

Result<std::string> hiragana(std::string_view, std::string_view value, const TransformContext&) {
  auto full = fullwidth(value);
  if (!full.ok() || !text::containsAnyIn(full.value(), U'\u30A1', U'\u30FE')) return full;
  return text::transliterate("[\\u30A1-\\u30F6\\u30FD\\u30FE] Katakana-Hiragana", full.value());
}

Result<std::string> upper(std::string_view, std::string_view value, const TransformContext&) {
  return text::toUpper(value);
}

Result<std::string> defaultValue(std::string_view arg, std::string_view value, const TransformContext&) {
  return std::string(value.empty() ? arg : value);
}

Result<std::string> parameterDefault(std::string_view arg, std::string_view value, const TransformContext& c) {
  if (!value.empty() || c.parameters == nullptr) return std::string(value);
  auto it = c.parameters->find(std::string(arg));
  return it == c.parameters->end() ? std::string() : it->second;
}

Result<std::string> required(std::string_view, std::string_view value, const TransformContext&) {
  if (value.empty()) return Status::invalidInput("required value missing");
  return std::string(value);
}

Result<std::string> refuse(std::string_view arg, std::string_view value, const TransformContext&) {
  if (!value.empty()) return Status::invalidInput(arg.empty() ? std::string("a value here is not taken") : std::string(arg));
  return std::string();
}

Result<std::string> maxLength(std::string_view arg, std::string_view value, const TransformContext&) {
  std::size_t limit = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), limit);
  if (ec != std::errc() || end != arg.data() + arg.size() || arg.empty()) {
    return Status::invalidInput("max_length needs a number of characters (max_length:N)");
  }
  std::size_t count = 0;
  for (char c : value) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  if (count > limit) {
    return Status::invalidInput("longer than " + std::to_string(limit) + " characters (" + std::to_string(count) + ")");
  }
  return std::string(value);
}

Result<std::string> first(std::string_view arg, std::string_view value, const TransformContext&) {
  std::size_t count = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), count);
  if (ec != std::errc() || end != arg.data() + arg.size() || arg.empty()) {
    return Status::invalidInput("first needs a number of characters (first:N)");
  }
  std::size_t at = 0, seen = 0;
  while (at < value.size() && seen < count) {
    ++at;
    while (at < value.size() && (static_cast<unsigned char>(value[at]) & 0xC0) == 0x80) ++at;
    ++seen;
  }
  return std::string(value.substr(0, at));
}

constexpr std::array<Transform, 35> kTransforms = {{
    {"trim", trim, false},
    {"nfkc", nfkc, false},
    {"fullwidth_kana", fullwidthKana, false},
    {"katakana", katakana, false},
    {"hiragana", hiragana, false},
    {"no_spaces", noSpaces, false},
    {"single_space", singleSpace, false},
    {"family_name", familyName, false},
    {"given_name", givenName, false},
    {"upper", upper, false},
    {"wareki_date", warekiDate, false},
    {"yyyymmdd", yyyymmdd, false},
    {"yyyymm", yyyymm, false},
    {"hl7_date", hl7Date, false},
    {"hl7_datetime", hl7DateTime, false},
    {"hhmm", hhmm, false},
    {"iso_to_hhmm", isoToHhmm, false},
    {"iso_to_yyyymmdd", isoToYyyymmdd, false},
    {"iso_to_yyyymm", isoToYyyymm, false},
    {"iso_to_wareki", isoToWarekiText, false},
    {"phone", phone, false},
    {"postal_code", postalCode, false},
    {"postal_digits", postalDigits, false},
    {"municipality_code", municipalityCode, false},
    {"municipality_name", municipalityName, false},
    {"digits", digits, false},
    {"lookup", lookup, false},
    {"lookup_or_empty", lookupOrEmpty, false},
    {"reverse_lookup", reverseLookup, false},
    {"default", defaultValue, true},
    {"parameter_default", parameterDefault, true},
    {"required", required, true},
    {"max_length", maxLength, false},
    {"refuse", refuse, false},
    {"first", first, false},
}};

}  // namespace
}  // namespace transform

const Transform* findTransform(std::string_view name) {
  for (const Transform& t : transform::kTransforms) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<std::string> applyTransformToUtf8(const Transform& transform, std::string_view arg, std::string_view value,
                                         const TransformContext& context) {
  if (value.empty() && !transform.actsOnEmpty) return std::string();
  return transform.fn(arg, value, context);
}

Result<std::string> applyTransform(const Transform& transform, std::string_view arg, std::string_view value,
                                   const TransformContext& context) {
  if (!value.empty()) RENKEI_RETURN_IF_ERROR(text::requireUtf8(value));
  return applyTransformToUtf8(transform, arg, value, context);
}

Result<std::string> applyTransform(std::string_view name, std::string_view arg, std::string_view value,
                                   const TransformContext& context) {
  const Transform* t = findTransform(name);
  if (t == nullptr) return Status::invalidInput("unknown transform '" + std::string(name) + "'");
  return applyTransform(*t, arg, value, context);
}

std::vector<std::string> knownTransforms() {
  std::vector<std::string> names;
  for (const Transform& e : transform::kTransforms) {
    names.emplace_back(e.name);
  }
  return names;
}

}  // namespace renkei::mapping

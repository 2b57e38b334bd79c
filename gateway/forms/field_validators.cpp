// Field validators and the clean-up of a reading by type (see field_validators.h).
#include "renkei/forms/field_validators.h"

#include <algorithm>

#include "renkei/core/regex.h"
#include "renkei/mapping/wareki.h"

namespace renkei::forms {
namespace {

std::pair<std::string, std::string> split(const std::string& spec) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string::npos) return {spec, ""};
  return {spec.substr(0, colon), spec.substr(colon + 1)};
}

std::string transform(const char* name, const std::string& value) {
  auto out = mapping::applyTransform(name, "", value, mapping::TransformContext{});
  return out.ok() ? std::move(out).value() : value;
}

std::string withoutSpaces(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; }), s.end());
  return s;
}

bool allDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// "N" or "MIN-MAX" → bounds; false when malformed.
bool lengthBounds(const std::string& arg, std::size_t& low, std::size_t& high) {
  const std::size_t dash = arg.find('-');
  const std::string a = arg.substr(0, dash);
  const std::string b = dash == std::string::npos ? a : arg.substr(dash + 1);
  if (!allDigits(a) || !allDigits(b) || a.size() > 4 || b.size() > 4) return false;
  low = std::stoul(a);
  high = std::stoul(b);
  return low <= high;
}

/// Characters, not bytes, of UTF-8 text.
std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

Verdict verdict(const std::string& spec, const std::string& value, const ValidationContext& context) {
  const auto [name, arg] = split(spec);
  Verdict v{spec, false, false, ""};
  if (name == "date") {
    v.passed = v.proves = mapping::warekiToIso(value).ok();  // 和暦 and Western shapes alike
    if (!v.passed) v.note = "not a date that exists";
  } else if (name == "check_digit") {
    const int digit = value.size() >= 2 && allDigits(value) ? checkDigit(arg, value.substr(0, value.size() - 1)) : -1;
    v.passed = digit >= 0 && value.back() - '0' == digit;
    v.proves = v.passed;
    if (!v.passed) v.note = "the check digit does not match";
  } else if (name == "code_list") {
    const auto* lookup = context.mapping != nullptr ? context.mapping->lookups.find(arg) : nullptr;
    v.passed = lookup != nullptr && lookup->forward(value).has_value();
    v.proves = v.passed;
    if (!v.passed) v.note = "not a code of " + arg;
  } else if (name == "dictionary" && arg == "municipality") {
    const routing::Municipality* m = context.municipalities ? context.municipalities(value) : nullptr;
    v.passed = m != nullptr && (m->name == value || m->code == value);
    v.proves = v.passed;
    if (!v.passed) v.note = "not a municipality's name or code";
  } else if (name == "dictionary" && arg == "organizations") {
    if (!context.organizationKnown) {
      v.passed = true;
      v.note = "no directory to check against";
    } else {
      v.passed = context.organizationKnown(value);
      v.proves = v.passed;
      if (!v.passed) v.note = "not in the directory";
    }
  } else if (name == "pattern") {
    auto re = Regex::compile(arg);
    auto match = re.ok() ? re->fullMatch(value) : Result<bool>(re.status());
    v.passed = match.ok() && match.value();
    if (!v.passed) v.note = "does not match the pattern";
  } else if (name == "length") {
    std::size_t low = 0, high = 0;
    lengthBounds(arg, low, high);
    const std::size_t n = characters(value);
    v.passed = n >= low && n <= high;
    if (!v.passed) v.note = "length " + std::to_string(n) + " outside " + arg;
  }
  return v;
}

/// True when every character of the word is a mark that a box's ruling or a speck reads as.
bool strayMarks(const std::string& word) {
  static const std::vector<std::string> kMarks = {"'", "\"", "|", "-", "_", ".", ",", ":", ";", "!", "~", "`", "/",
                                                  "「", "」", "“", "”", "。", "、", "・", "ー", "一", "丨", "」"};
  for (std::size_t i = 0; i < word.size();) {
    const auto c = static_cast<unsigned char>(word[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (std::find(kMarks.begin(), kMarks.end(), word.substr(i, n)) == kMarks.end()) return false;
    i += n;
  }
  return !word.empty();
}

}  // namespace

std::string withoutStrayMarks(const std::string& text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t space = text.find_first_of(" \n", start);
    const std::size_t end = space == std::string::npos ? text.size() : space;
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  while (!words.empty() && strayMarks(words.back())) words.pop_back();
  std::size_t first = 0;
  while (first < words.size() && strayMarks(words[first])) ++first;
  std::string out;
  for (std::size_t i = first; i < words.size(); ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

Status checkValidatorSpec(const std::string& spec, const mapping::Mapping* mapping) {
  const auto [name, arg] = split(spec);
  if (name == "date") return Status::okStatus();
  if (name == "check_digit") {
    return arg == "luhn" || arg == "mod11_jlg" ? Status::okStatus()
                                     : Status::invalidInput("unknown check digit '" + arg + "' (luhn, mod11_jlg)");
  }
  if (name == "code_list") {
    return mapping != nullptr && mapping->lookups.find(arg) != nullptr
               ? Status::okStatus()
               : Status::invalidInput("the form's mapping has no ConceptMap named '" + arg + "'");
  }
  if (name == "dictionary") {
    return arg == "municipality" || arg == "organizations"
               ? Status::okStatus()
               : Status::invalidInput("unknown dictionary '" + arg + "' (municipality, organizations)");
  }
  if (name == "pattern") {
    auto re = Regex::compile(arg);
    return re.ok() ? Status::okStatus() : Status::invalidInput("the pattern does not compile: " + re.status().message());
  }
  if (name == "length") {
    std::size_t low = 0, high = 0;
    return lengthBounds(arg, low, high) ? Status::okStatus()
                                        : Status::invalidInput("length takes N or MIN-MAX");
  }
  return Status::invalidInput("unknown validator '" + name +
                              "' (date, check_digit, code_list, dictionary, pattern, length)");
}

std::string cleanReading(FieldType type, const std::string& text) {
  std::string s = transform("trim", withoutStrayMarks(text));
  switch (type) {
    case FieldType::Digits:
      return withoutSpaces(transform("nfkc", s));
    case FieldType::WarekiDate:
    case FieldType::Date: {  // a separator cannot end or open a date: a speck read as one
      s = withoutSpaces(transform("nfkc", s));
      const std::size_t first = s.find_first_not_of("./-"), last = s.find_last_not_of("./-");
      return first == std::string::npos ? "" : s.substr(first, last - first + 1);
    }
    case FieldType::Phone: {
      s = withoutSpaces(transform("nfkc", s));
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        // Long dash, katakana prolonged sound mark and minus read for a hyphen.
        if (s.compare(i, 3, "\xE2\x80\x94") == 0 || s.compare(i, 3, "\xE3\x83\xBC") == 0 ||
            s.compare(i, 3, "\xE2\x88\x92") == 0 || s.compare(i, 3, "\xE2\x80\x90") == 0) {
          out += '-';
          i += 2;
        } else {
          out += s[i];
        }
      }
      return out;
    }
    case FieldType::Kana:
      return withoutSpaces(transform("katakana", s));
    case FieldType::Text:
      return transform("single_space", s);
    default:
      return s;
  }
}

std::vector<Verdict> validate(const FieldTemplate& field, const std::string& value, const ValidationContext& context) {
  std::vector<Verdict> out;
  const bool dateType = field.type == FieldType::WarekiDate || field.type == FieldType::Date;
  if (dateType && std::find(field.validators.begin(), field.validators.end(), "date") == field.validators.end()) {
    out.push_back(verdict("date", value, context));
  }
  for (const std::string& spec : field.validators) out.push_back(verdict(spec, value, context));
  return out;
}

bool refused(const std::vector<Verdict>& verdicts) {
  return std::any_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return !v.passed; });
}

bool proven(const std::vector<Verdict>& verdicts) {
  return !refused(verdicts) && std::any_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.proves; });
}

std::vector<std::string> codeList(const FieldTemplate& field, const ValidationContext& context) {
  std::vector<std::string> out;
  if (context.mapping == nullptr) return out;
  for (const std::string& spec : field.validators) {
    const auto [name, arg] = split(spec);
    if (name != "code_list") continue;
    if (const auto* lookup = context.mapping->lookups.find(arg)) {
      for (std::string& code : lookup->sourceCodes()) out.push_back(std::move(code));
    }
  }
  return out;
}

int checkDigit(const std::string& algorithm, const std::string& digits) {
  if (!allDigits(digits)) return -1;
  if (algorithm == "luhn") {
    int sum = 0, weight = 2;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      const int p = (*it - '0') * weight;
      sum += p / 10 + p % 10;
      weight = weight == 2 ? 1 : 2;
    }
    return (10 - sum % 10) % 10;
  }
  if (algorithm == "mod11_jlg") {
    if (digits.size() != 5) return -1;
    int sum = 0;
    for (std::size_t i = 0; i < 5; ++i) sum += (digits[i] - '0') * static_cast<int>(6 - i);
    return (11 - sum % 11) % 10;
  }
  return -1;
}

}  // namespace renkei::forms

// Code-like transforms: phone numbers, postal codes, digits, Tokyo municipalities (団体コード) and
// ConceptMap lookups.
#include <charconv>

#include "icu_text.h"
#include "renkei/routing/municipalities.h"
#include "transform_functions.h"

namespace renkei::mapping::transform {
namespace {

/// NFKC, then the dash look-alikes Japanese text uses in numbers (‐ ‑ ‒ – — ― − ー) as '-'.
Result<std::string> normalizedNumberText(std::string_view value) {
  auto n = text::nfkc(value);
  if (!n.ok()) return n.status();
  static constexpr std::string_view kDashes[] = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014",
                                                 "\u2015", "\u2212", "\u30FC"};
  std::string out;
  std::string_view s = n.value();
  while (!s.empty()) {
    bool dash = false;
    for (std::string_view d : kDashes) {
      if (s.substr(0, d.size()) == d) {
        out += '-';
        s.remove_prefix(d.size());
        dash = true;
        break;
      }
    }
    if (!dash) {
      out += s.front();
      s.remove_prefix(1);
    }
  }
  return out;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// A postal code's 7 digits from "1600023", "160-0023" or "〒160-0023" (spaces ignored).
Result<std::string> postal(std::string_view value) {
  auto n = normalizedNumberText(value);
  if (!n.ok()) return n.status();
  std::string s;
  for (char c : n.value()) {
    if (c != ' ' && c != '\t') s += c;
  }
  static constexpr std::string_view kMark = "\u3012";  // 〒
  if (s.compare(0, kMark.size(), kMark) == 0) s.erase(0, kMark.size());
  if (s.size() == 8 && s[3] == '-') s.erase(3, 1);
  if (s.size() != 7) return Status::invalidInput("not a postal code (NNN-NNNN)");
  for (char c : s) {
    if (!isDigit(c)) return Status::invalidInput("not a postal code (NNN-NNNN)");
  }
  return s;
}

Result<const routing::Municipality*> municipality(std::string_view value, const TransformContext& context) {
  if (!context.municipalities) {
    return Status::internal("municipality transforms need the municipality table (TransformContext::municipalities)");
  }
  auto n = text::nfkc(value);
  if (!n.ok()) return n.status();
  std::string s;
  for (char c : n.value()) {
    if (c != ' ' && c != '\t') s += c;
  }
  const routing::Municipality* m = context.municipalities(s);
  if (m == nullptr) return Status::invalidInput("no Tokyo municipality (区市町村) found in the value");
  return m;
}

const ConceptMapLookup* conceptMap(std::string_view arg, const TransformContext& context) {
  return context.lookups == nullptr ? nullptr : context.lookups->find(arg);
}

}  // namespace

Result<std::string> phone(std::string_view, std::string_view value, const TransformContext&) {
  auto n = normalizedNumberText(value);
  if (!n.ok()) return n.status();
  std::string_view text = n.value();
  // An extension is not part of the number ("03-1234-5678 内線12" is not 03-1234-567812).
  for (std::string_view mark : {"内線", "ext", "EXT", "Ext", "(内"}) {
    text = text.substr(0, text.find(mark));
  }
  // Japan's country code written as such: +81-3-1234-5678 is 03-1234-5678.
  std::string out;
  if (text.substr(0, 3) == "+81") {
    text.remove_prefix(3);
    while (!text.empty() && (text.front() == '-' || text.front() == ' ' || text.front() == '(')) text.remove_prefix(1);
    if (!text.empty() && text.front() != '0') out = "0";
  }
  std::size_t count = out.size();
  for (char c : text) {
    if (isDigit(c)) {
      out += c;
      ++count;
    } else if (c == '-' && !out.empty() && out.back() != '-') {
      out += c;
    }
  }
  if (!out.empty() && out.back() == '-') out.pop_back();
  if (count < 10) return Status::invalidInput("a phone number needs at least 10 digits");
  if (count > 11) return Status::invalidInput("a phone number has at most 11 digits (an extension is written after 内線)");
  return out;
}

Result<std::string> postalCode(std::string_view, std::string_view value, const TransformContext&) {
  auto p = postal(value);
  if (!p.ok()) return p.status();
  return p.value().substr(0, 3) + "-" + p.value().substr(3);
}

Result<std::string> postalDigits(std::string_view, std::string_view value, const TransformContext&) {
  return postal(value);
}

Result<std::string> municipalityCode(std::string_view, std::string_view value, const TransformContext& context) {
  auto m = municipality(value, context);
  if (!m.ok()) return m.status();
  return m.value()->code;
}

Result<std::string> municipalityName(std::string_view, std::string_view value, const TransformContext& context) {
  auto m = municipality(value, context);
  if (!m.ok()) return m.status();
  return m.value()->name;
}

Result<std::string> digits(std::string_view arg, std::string_view value, const TransformContext&) {
  auto n = text::nfkc(value);
  if (!n.ok()) return n.status();
  std::string out;
  for (char c : n.value()) {
    if (isDigit(c)) out += c;
  }
  if (arg.empty()) return out;
  // "digits:10": a code of exactly that many digits or none ("HIS2" is a name, not code "2").
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), length);
  if (ec != std::errc() || end != arg.data() + arg.size()) {
    return Status::invalidInput("digits takes a number of digits (digits:N)");
  }
  return out.size() == length ? out : std::string();
}

Result<std::string> lookup(std::string_view arg, std::string_view value, const TransformContext& context) {
  const ConceptMapLookup* map = conceptMap(arg, context);
  if (map == nullptr) return Status::invalidInput("no ConceptMap named '" + std::string(arg) + "'");
  auto target = map->forward(value);
  if (!target) {
    return Status::invalidInput("code '" + std::string(value) + "' is not in ConceptMap '" + std::string(arg) + "'");
  }
  return *target;
}

Result<std::string> lookupOrEmpty(std::string_view arg, std::string_view value, const TransformContext& context) {
  const ConceptMapLookup* map = conceptMap(arg, context);
  if (map == nullptr) return Status::invalidInput("no ConceptMap named '" + std::string(arg) + "'");
  return map->forward(value).value_or(std::string());
}

Result<std::string> reverseLookup(std::string_view arg, std::string_view value, const TransformContext& context) {
  const ConceptMapLookup* map = conceptMap(arg, context);
  if (map == nullptr) return Status::invalidInput("no ConceptMap named '" + std::string(arg) + "'");
  auto source = map->reverse(value);
  if (!source) {
    return Status::invalidInput("code '" + std::string(value) + "' is not a target of ConceptMap '" +
                                std::string(arg) + "'");
  }
  return *source;
}

}  // namespace renkei::mapping::transform

// String functions. Positions and lengths count Unicode code points (so Japanese text indexes
// by character, not by byte). Regular expressions run on ICU with its time limit.
#include <unicode/unistr.h>

#include "compare.h"
#include "engine.h"

namespace renkei::fhirpath {
namespace {

using F = FunctionId;

bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Byte offset of code point `n` (or the end).
std::size_t byteOffset(std::string_view s, int64_t n) {
  std::size_t i = 0;
  for (int64_t k = 0; k < n && i < s.size(); ++k) {
    ++i;
    while (i < s.size() && isContinuation(s[i])) ++i;
  }
  return i;
}

int64_t codePoints(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += isContinuation(c) ? 0 : 1;
  return n;
}

std::string caseMapped(std::string_view s, bool upper) {
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  if (upper) {
    u.toUpper();
  } else {
    u.toLower();
  }
  std::string out;
  u.toUTF8String(out);
  return out;
}

std::string replaceAll(std::string_view s, std::string_view pattern, std::string_view with) {
  std::string out;
  if (pattern.empty()) {
    // Between every character, and at both ends: 'abc'.replace('', 'x') = 'xaxbxcx'.
    out.append(with);
    for (std::size_t i = 0; i < s.size();) {
      std::size_t next = byteOffset(s.substr(i), 1) + i;
      out.append(s.substr(i, next - i));
      out.append(with);
      i = next;
    }
    return out;
  }
  std::size_t from = 0;
  while (true) {
    std::size_t at = s.find(pattern, from);
    if (at == std::string_view::npos) break;
    out.append(s.substr(from, at - from));
    out.append(with);
    from = at + pattern.size();
  }
  out.append(s.substr(from));
  return out;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64Encode(std::string_view in, bool url) {
  std::string out;
  auto symbol = [url](uint32_t sextet) {
    char ch = kBase64[sextet & 0x3F];
    if (url && ch == '+') return '-';
    if (url && ch == '/') return '_';
    return ch;
  };
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, in.size() - i);
    uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (n > 1) v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    if (n > 2) v |= static_cast<unsigned char>(in[i + 2]);
    out.push_back(symbol(v >> 18));
    out.push_back(symbol(v >> 12));
    out.push_back(n > 1 ? symbol(v >> 6) : '=');
    out.push_back(n > 2 ? symbol(v) : '=');
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view in, bool url) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == (url ? '-' : '+')) v = 62;
    else if (c == (url ? '_' : '/')) v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string hexEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : in) {
    out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 0xF]);
  }
  return out;
}

std::optional<std::string> hexDecode(std::string_view in) {
  if (in.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    int h = nibble(in[i]), l = nibble(in[i + 1]);
    if (h < 0 || l < 0) return std::nullopt;
    out.push_back(static_cast<char>(h * 16 + l));
  }
  return out;
}

std::string escapeHtml(std::string_view in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string unescapeHtml(std::string_view in) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    bool replaced = false;
    if (in[i] == '&') {
      for (auto [entity, ch] : kEntities) {
        if (in.substr(i, entity.size()) == entity) {
          out.push_back(ch);
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(in[i++]);
  }
  return out;
}

std::string escapeJson(std::string_view in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string unescapeJson(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 == in.size()) {
      out.push_back(in[i]);
      continue;
    }
    char e = in[++i];
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      default: out.push_back(e);
    }
  }
  return out;
}

bool isTrimmable(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Result<const Regex*> regexArg(Call& c, std::optional<Regex>& holder, std::string_view pattern) {
  if (c.node.index >= 0) return &c.engine.program().regexes[static_cast<std::size_t>(c.node.index)];
  auto re = Regex::compile(pattern, {true});
  if (!re.ok()) return c.error(re.status().message());
  holder = std::move(re.value());
  return &*holder;
}

Status regexFunction(Call& c, std::string_view s) {
  auto pattern = c.stringArg(0);
  if (!pattern.ok()) return pattern.status();
  if (!pattern->has_value()) return {};
  std::optional<std::string_view> substitution;
  if (c.node.function == F::ReplaceMatches) {
    auto with = c.stringArg(1);
    if (!with.ok()) return with.status();
    if (!with->has_value()) return {};
    substitution = **with;
    if ((*pattern)->empty()) {
      c.engine.push(c.out, Item::ofString(s));
      return {};
    }
  }
  std::optional<Regex> holder;
  auto re = regexArg(c, holder, **pattern);
  if (!re.ok()) return re.status();
  if (substitution) {
    auto r = (*re)->replaceAll(s, *substitution);
    if (!r.ok()) return c.error(r.status().message());
    c.engine.push(c.out, c.engine.makeString(*r));
    return {};
  }
  auto r = c.node.function == F::MatchesFull ? (*re)->fullMatch(s) : (*re)->find(s);
  if (!r.ok()) return c.error(r.status().message());
  c.engine.push(c.out, Item::ofBoolean(*r));
  return {};
}

Status join(Call& c) {
  std::string separator;
  if (c.node.argCount > 0) {
    auto sep = c.stringArg(0);
    if (!sep.ok()) return sep.status();
    separator = std::string(sep->value_or(""));
  }
  std::string out;
  for (std::size_t i = 0; i < c.input.size; ++i) {
    auto v = c.engine.value(c.input[i]);
    if (!v) continue;
    if (v->type != ValueType::String) return c.error("the input must hold only Strings");
    if (i > 0) out += separator;
    out.append(v->str());
  }
  c.engine.push(c.out, c.engine.makeString(out));
  return {};
}

}  // namespace

Status stringFunction(Call& c) {
  Engine& e = c.engine;
  if (c.node.function == F::Join) return join(c);
  auto input = c.inputString();
  if (!input.ok()) return input.status();
  if (!input->has_value()) return {};
  const std::string_view s = **input;
  auto pushString = [&](std::string value) { e.push(c.out, e.makeString(value)); };
  switch (c.node.function) {
    case F::IndexOf: {
      auto sub = c.stringArg(0);
      if (!sub.ok()) return sub.status();
      if (!sub->has_value()) return {};
      std::size_t at = s.find(**sub);
      e.push(c.out, Item::ofInteger(at == std::string_view::npos ? -1 : codePoints(s.substr(0, at))));
      return {};
    }
    case F::Substring: {
      auto start = c.integerArg(0);
      if (!start.ok()) return start.status();
      if (!start->has_value() || **start < 0 || **start >= codePoints(s)) return {};
      std::size_t from = byteOffset(s, **start);
      std::string_view rest = s.substr(from);
      if (c.node.argCount > 1) {
        auto length = c.integerArg(1);
        if (!length.ok()) return length.status();
        if (length->has_value()) {
          rest = rest.substr(0, byteOffset(rest, std::max<int64_t>(**length, 0)));
        }
      }
      e.push(c.out, Item::ofString(rest));
      return {};
    }
    case F::StartsWith:
    case F::EndsWith:
    case F::Contains: {
      auto sub = c.stringArg(0);
      if (!sub.ok()) return sub.status();
      if (!sub->has_value()) return {};
      std::string_view x = **sub;
      bool r = c.node.function == F::StartsWith ? s.substr(0, x.size()) == x
               : c.node.function == F::EndsWith
                   ? (s.size() >= x.size() && s.substr(s.size() - x.size()) == x)
                   : s.find(x) != std::string_view::npos;
      e.push(c.out, Item::ofBoolean(r));
      return {};
    }
    case F::Upper: pushString(caseMapped(s, true)); return {};
    case F::Lower: pushString(caseMapped(s, false)); return {};
    case F::Replace: {
      auto pattern = c.stringArg(0);
      if (!pattern.ok()) return pattern.status();
      auto with = c.stringArg(1);
      if (!with.ok()) return with.status();
      if (!pattern->has_value() || !with->has_value()) return {};
      pushString(replaceAll(s, **pattern, **with));
      return {};
    }
    case F::Matches:
    case F::MatchesFull:
    case F::ReplaceMatches:
      return regexFunction(c, s);
    case F::Length: e.push(c.out, Item::ofInteger(codePoints(s))); return {};
    case F::ToChars:
      for (std::size_t i = 0; i < s.size();) {
        std::size_t n = byteOffset(s.substr(i), 1);
        e.push(c.out, Item::ofString(s.substr(i, n)));
        i += n;
      }
      return {};
    case F::Encode:
    case F::Decode:
    case F::Escape:
    case F::Unescape: {
      auto format = c.stringArg(0);
      if (!format.ok()) return format.status();
      if (!format->has_value()) return {};
      std::string_view f = **format;
      std::optional<std::string> r;
      if (c.node.function == F::Encode) {
        if (f == "base64" || f == "urlbase64") r = base64Encode(s, f == "urlbase64");
        if (f == "hex") r = hexEncode(s);
      } else if (c.node.function == F::Decode) {
        if (f == "base64" || f == "urlbase64") r = base64Decode(s, f == "urlbase64");
        if (f == "hex") r = hexDecode(s);
      } else if (c.node.function == F::Escape) {
        if (f == "html") r = escapeHtml(s);
        if (f == "json") r = escapeJson(s);
      } else {
        if (f == "html") r = unescapeHtml(s);
        if (f == "json") r = unescapeJson(s);
      }
      if (r) pushString(*r);
      return {};
    }
    case F::Trim: {
      std::size_t b = 0, end = s.size();
      while (b < end && isTrimmable(s[b])) ++b;
      while (end > b && isTrimmable(s[end - 1])) --end;
      e.push(c.out, Item::ofString(s.substr(b, end - b)));
      return {};
    }
    case F::Split: {
      auto sep = c.stringArg(0);
      if (!sep.ok()) return sep.status();
      if (!sep->has_value()) return {};
      std::string_view separator = **sep;
      if (separator.empty()) {
        e.push(c.out, Item::ofString(s));
        return {};
      }
      std::size_t from = 0;
      while (true) {
        std::size_t at = s.find(separator, from);
        e.push(c.out, Item::ofString(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from)));
        if (at == std::string_view::npos) break;
        from = at + separator.size();
      }
      return {};
    }
    default:
      return c.error("not a string function");
  }
}

}  // namespace renkei::fhirpath

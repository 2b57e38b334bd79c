// Parsing HL7 v2 messages: delimiters and character set from MSH, the bytes decoded to UTF-8,
// segments and fields split, values found by path with their escapes resolved.
#include "renkei/hl7v2/message.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>

#include "renkei/core/ascii.h"
#include "renkei/core/utf8.h"
#include "text_decoding.h"

namespace renkei::hl7v2 {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

/// The character set MSH-18 names (any repetition), else what the bytes look like.
std::string charsetOf(std::string_view msh18, std::string_view bytes, char repetition) {
  const bool hasEscape = bytes.find('\x1b') != std::string_view::npos;
  for (std::string_view rep : splitOn(msh18, repetition)) {
    const std::string name = upper(rep);
    if (name.find("IR87") != std::string::npos || name.find("2022") != std::string::npos) {
      // ISO-2022-JP is 7-bit. Eight-bit text without a single escape sequence was written in
      // another character set than the header says: UTF-8 when it is valid UTF-8, else CP932.
      const auto eightBit = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
      if (!hasEscape && std::any_of(bytes.begin(), bytes.end(), eightBit)) return firstInvalidUtf8(bytes) == std::string_view::npos ? "UTF-8" : "CP932";
      return "ISO-2022-JP";
    }
    if (name.find("UTF") != std::string::npos) return "UTF-8";
    if (name.find("SJIS") != std::string::npos || name.find("SHIFT") != std::string::npos ||
        name.find("932") != std::string::npos) {
      return "CP932";
    }
  }
  if (hasEscape) return "ISO-2022-JP";
  return firstInvalidUtf8(bytes) == std::string_view::npos ? "UTF-8" : "CP932";
}

/// Where lines end (CR or LF), asked front to back: each terminator is found once by memchr, so a
/// message of LF-only lines costs no more than one of CR-only lines.
class LineEnds {
 public:
  explicit LineEnds(std::string_view text) : text_(text), cr_(find('\r', 0)), lf_(find('\n', 0)) {}
  /// The end of the line starting at `at`: its CR or LF, else the end of the text.
  std::size_t of(std::size_t at) {
    if (cr_ < at) cr_ = find('\r', at);
    if (lf_ < at) lf_ = find('\n', at);
    return std::min(cr_, lf_);
  }

 private:
  std::size_t find(char c, std::size_t at) const {
    const void* p = at < text_.size() ? std::memchr(text_.data() + at, c, text_.size() - at) : nullptr;
    return p != nullptr ? static_cast<std::size_t>(static_cast<const char*>(p) - text_.data()) : text_.size();
  }
  std::string_view text_;
  std::size_t cr_, lf_;
};

bool validDelimiter(char c) {
  return c != '\r' && c != '\n' && c != '\0' && std::isalnum(static_cast<unsigned char>(c)) == 0 &&
         static_cast<unsigned char>(c) < 0x80;
}

/// The `n`th (1-based) of the parts of `text` split at `delimiter`, or nullopt when it has fewer
/// (what splitOn(text, delimiter)[n - 1] would give, without building the list).
std::optional<std::string_view> nthPart(std::string_view text, char delimiter, std::size_t n) {
  std::size_t start = 0;
  for (std::size_t part = 1; part < n; ++part) {
    const std::size_t at = text.find(delimiter, start);
    if (at == std::string_view::npos) return std::nullopt;
    start = at + 1;
  }
  const std::size_t end = text.find(delimiter, start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

std::string_view withoutLeadIn(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  while (!bytes.empty() && std::string_view("\x0b\r\n\t ").find(bytes.front()) != std::string_view::npos) bytes.remove_prefix(1);
  return bytes;
}

Result<FieldPath> FieldPath::parse(std::string_view text) {
  const auto bad = [] { return Status::invalidInput("not an HL7 v2 path (SEG[n]-field[rep].component.subcomponent)"); };
  FieldPath p;
  std::size_t at = 0;
  auto number = [&](std::size_t& out) {
    const char* begin = text.data() + at;
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
    if (ec != std::errc() || out == 0) return false;
    at += static_cast<std::size_t>(end - begin);
    return true;
  };
  auto bracketed = [&](std::size_t& out) {
    if (at >= text.size() || text[at] != '[') return true;
    ++at;
    if (!number(out) || at >= text.size() || text[at] != ']') return false;
    ++at;
    return true;
  };
  if (text.size() < 3) return bad();
  std::copy_n(text.data(), 3, p.segment);
  at = 3;
  if (!bracketed(p.segmentIndex) || at >= text.size() || text[at] != '-') return bad();
  ++at;
  if (!number(p.field)) return bad();
  const std::size_t close = text.find(']', at);
  const std::size_t equals = text.find('=', at);
  if (at < text.size() && text[at] == '[' && close != std::string_view::npos && equals < close) {
    ++at;  // "[component=value]": the repetition is chosen by a component's value
    if (!number(p.selectComponent) || at != equals) return bad();
    p.selectValue = std::string(text.substr(equals + 1, close - equals - 1));
    at = close + 1;
  } else if (!bracketed(p.repetition)) {
    return bad();
  }
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (!number(p.component)) return bad();
    if (at < text.size() && text[at] == '.') {
      ++at;
      if (!number(p.subcomponent)) return bad();
    }
  }
  if (at != text.size()) return bad();
  return p;
}

Result<Message> Message::parse(std::string_view bytes, const Limits& limits) {
  // A message is parsed twice in a row on one thread: by its source (for MSH-10, MSH-4 and MSH-9)
  // and then by its mapping. The last message each thread parsed is kept for the second time.
  constexpr std::size_t kKeptBytes = 64 * 1024;
  thread_local std::string lastBytes;
  thread_local Limits lastLimits;
  thread_local std::optional<Message> last;
  if (last && bytes == lastBytes && limits.maxBytes == lastLimits.maxBytes &&
      limits.maxSegments == lastLimits.maxSegments && limits.maxFieldsPerSegment == lastLimits.maxFieldsPerSegment) {
    return *last;
  }
  auto parsed = parseOnce(bytes, limits);
  last.reset();
  if (parsed.ok() && bytes.size() <= kKeptBytes) {
    lastBytes.assign(bytes);
    lastLimits = limits;
    last = parsed.value();
  }
  return parsed;
}

const std::vector<Segment>& Message::segments() const {
  static const std::vector<Segment> kNone;
  return segments_ ? *segments_ : kNone;
}

Result<Message> Message::parseOnce(std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.maxBytes) {
    return Status::tooLarge("the message is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(limits.maxBytes));
  }
  bytes = withoutLeadIn(bytes);
  // MLLP framing left around a stored message (end block 0x1C and its CR), blank lines and an
  // end-of-file mark (Ctrl-Z) after the last segment.
  while (!bytes.empty() && std::string_view("\x1c\x1a\r\n\t ").find(bytes.back()) != std::string_view::npos) bytes.remove_suffix(1);
  if (bytes.size() < 8 || bytes.substr(0, 3) != "MSH") return Status::invalidInput("not an HL7 v2 message: no MSH segment first");
  Message m;
  m.delimiters_.field = bytes[3];
  const std::size_t encodingEnd = bytes.find(m.delimiters_.field, 4);
  const std::string_view encoding = bytes.substr(4, encodingEnd == std::string_view::npos ? 0 : encodingEnd - 4);
  if (encoding.size() < 4) return Status::invalidInput("MSH-2 does not hold the four encoding characters");
  m.delimiters_.component = encoding[0];
  m.delimiters_.repetition = encoding[1];
  m.delimiters_.escape = encoding[2];
  m.delimiters_.subcomponent = encoding[3];
  const std::string all{m.delimiters_.field, m.delimiters_.component, m.delimiters_.repetition,
                        m.delimiters_.escape, m.delimiters_.subcomponent};
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!validDelimiter(all[i]) || all.find(all[i]) != i) {
      return Status::invalidInput("MSH-1 and MSH-2 must be five distinct punctuation characters");
    }
  }
  // MSH-18 is read from the raw first segment (it is ASCII), then the whole message is decoded
  // before anything is split: a JIS X 0208 byte pair may hold a delimiter's byte.
  const std::string_view firstSegment = bytes.substr(0, LineEnds(bytes).of(0));
  const std::string_view msh18 = nthPart(firstSegment, m.delimiters_.field, 18).value_or("");
  m.charset_ = charsetOf(msh18, bytes, m.delimiters_.repetition);
  std::string decodedText;
  if (m.charset_ == "UTF-8") {
    if (firstInvalidUtf8(bytes) != std::string_view::npos) return Status::invalidInput("bytes that are not UTF-8");
    decodedText = std::string(bytes);
  } else {
    auto decoded = m.charset_ == "CP932" ? decodeCp932(bytes) : decodeIso2022Jp(bytes);
    if (!decoded.ok()) return Status::invalidInput("the message is not " + m.charset_ + ": " + decoded.status().message());
    decodedText = std::move(decoded).value();
  }
  m.text_ = std::make_shared<const std::string>(std::move(decodedText));
  const std::string_view text = *m.text_;
  std::vector<Segment> segments;
  LineEnds lineEnds(text);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = lineEnds.of(start);
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (segments.size() >= limits.maxSegments) {
      return Status::tooLarge("more than " + std::to_string(limits.maxSegments) + " segments");
    }
    const std::size_t number = segments.size() + 1;
    if (line.size() < 3 || (line.size() > 3 && line[3] != m.delimiters_.field)) {
      return Status::invalidInput("segment " + std::to_string(number) + " has no three-character id");
    }
    Segment segment;
    segment.id = std::string(line.substr(0, 3));
    for (char c : segment.id) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
        return Status::invalidInput("segment " + std::to_string(number) + " has no three-character id");
      }
    }
    const std::size_t parts = static_cast<std::size_t>(std::count(line.begin(), line.end(), m.delimiters_.field)) + 1;
    if (parts > limits.maxFieldsPerSegment) {
      return Status::tooLarge("segment " + std::to_string(number) + " has more than " +
                              std::to_string(limits.maxFieldsPerSegment) + " fields");
    }
    const bool header = segment.id == "MSH";
    if (header && !segments.empty() && line.size() > 3) {  // a bare "MSH" line carries no message
      return Status::invalidInput("segment " + std::to_string(number) +
                                  " is a second MSH: one message per frame or file");
    }
    segment.fields.reserve(parts + 1);
    for (std::size_t from = 0;;) {
      const std::size_t to = line.find(m.delimiters_.field, from);
      segment.fields.push_back(line.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from));
      if (header && segment.fields.size() == 1) segment.fields.push_back(line.substr(3, 1));  // MSH-1 is the separator
      if (to == std::string_view::npos) break;
      from = to + 1;
    }
    segments.push_back(std::move(segment));
  }
  if (segments.empty() || segments[0].id != "MSH") return Status::invalidInput("not an HL7 v2 message: no MSH segment first");
  m.segments_ = std::make_shared<const std::vector<Segment>>(std::move(segments));
  return m;
}

namespace {

/// The field a path names, as written; nullptr when the message does not have it.
const std::string_view* fieldText(const std::vector<Segment>& segments, const FieldPath& path) {
  std::size_t seen = 0;
  for (const Segment& s : segments) {
    if (!path.inSegment(s.id) || ++seen != path.segmentIndex) continue;
    return path.field < s.fields.size() ? &s.fields[path.field] : nullptr;
  }
  return nullptr;
}

/// MSH-1 and MSH-2 are the delimiters themselves: never split.
bool isDelimiterField(const FieldPath& path) { return path.inSegment("MSH") && path.field <= 2; }

}  // namespace

Result<std::vector<std::string>> Message::repetitions(std::string_view pathText) const {
  auto path = FieldPath::parse(pathText);
  if (!path.ok()) return path.status();
  const std::string_view* field = fieldText(segments(), *path);
  if (field == nullptr || field->empty()) return std::vector<std::string>{};
  if (isDelimiterField(*path)) return std::vector<std::string>{std::string(*field)};
  std::vector<std::string> out;
  for (std::string_view rep : splitOn(*field, delimiters_.repetition)) out.emplace_back(rep);
  return out;
}

Result<std::string> Message::value(std::string_view pathText) const {
  auto path = FieldPath::parse(pathText);
  if (!path.ok()) return path.status();
  return value(*path);
}

std::string Message::value(const FieldPath& path) const {
  const std::string_view* field = fieldText(segments(), path);
  if (field == nullptr) return std::string();
  if (isDelimiterField(path)) return std::string(*field);
  std::optional<std::string_view> text =
      path.selectComponent > 0 ? selectedRepetition(*field, path) : nthPart(*field, delimiters_.repetition, path.repetition);
  if (text && path.component > 0) {
    text = nthPart(*text, delimiters_.component, path.component);
    if (text && path.subcomponent > 0) text = nthPart(*text, delimiters_.subcomponent, path.subcomponent);
  }
  return text ? unescape(*text) : std::string();
}

std::string Message::type() const {
  auto code = value("MSH-9.1");
  auto event = value("MSH-9.2");
  if (!code.ok() || !event.ok()) return "";
  return event->empty() ? *code : *code + "^" + *event;
}

std::optional<std::string_view> Message::selectedRepetition(std::string_view field, const FieldPath& path) const {
  for (std::size_t from = 0;;) {
    const std::size_t to = std::min(field.find(delimiters_.repetition, from), field.size());
    const std::string_view rep = field.substr(from, to - from);
    const std::string_view component = nthPart(rep, delimiters_.component, path.selectComponent).value_or("");
    const bool plain = component.find(delimiters_.escape) == std::string_view::npos;
    if (plain ? component == path.selectValue : unescape(component) == path.selectValue) return rep;
    if (to == field.size()) return std::nullopt;
    from = to + 1;
  }
}

std::optional<std::string> Message::hexText(std::string_view hex) const {
  std::string bytes;
  for (std::size_t h = 0; h + 1 < hex.size(); h += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(hex.data() + h, hex.data() + h + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + h + 2) return std::nullopt;
    bytes += static_cast<char>(value);
  }
  Result<std::string> decoded = charset_ == "CP932"         ? decodeCp932(bytes)
                                : charset_ == "ISO-2022-JP" ? decodeIso2022Jp(bytes)
                                : firstInvalidUtf8(bytes) == std::string::npos
                                    ? Result<std::string>(bytes)
                                    : Result<std::string>(Status::invalidInput("not UTF-8"));
  if (!decoded.ok() || decoded->empty()) return std::nullopt;
  for (char c : decoded.value()) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') return std::nullopt;
  }
  return std::move(decoded).value();
}

std::string Message::unescape(std::string_view text) const {
  const char esc = delimiters_.escape;
  if (text.find(esc) == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t close = text[i] == esc ? text.find(esc, i + 1) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += text[i];
      continue;
    }
    const std::string_view code = text.substr(i + 1, close - i - 1);
    if (code == "F") {
      out += delimiters_.field;
    } else if (code == "S") {
      out += delimiters_.component;
    } else if (code == "T") {
      out += delimiters_.subcomponent;
    } else if (code == "R") {
      out += delimiters_.repetition;
    } else if (code == "E") {
      out += esc;
    } else if (code == ".br") {
      out += '\n';
    } else if (code == "H" || code == "N") {
      // highlighting on / off: no text
    } else if (code.size() > 1 && code[0] == 'X' && (code.size() - 1) % 2 == 0) {
      // Hex bytes in the message's character set. Bytes that do not make text in it, or make a
      // control character, stay as written, like an escape this reader does not know.
      std::optional<std::string> decoded = hexText(code.substr(1));
      if (decoded) {
        out += *decoded;
      } else {
        out.append(text.substr(i, close - i + 1));
      }
    } else {
      out.append(text.substr(i, close - i + 1));  // an escape this reader does not know stays as written
    }
    i = close;
  }
  return out;
}

}  // namespace renkei::hl7v2

// Byte-level pieces shared by the two subset scanners (FHIR XML documents and narrative XHTML):
// names, references, text and attribute runs. Anything these do not recognise sends the caller
// to libxml2, which stays the authority on XML.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace renkei::fhir::xmllex {

enum : uint8_t { kPlain = 0, kSpace = 1, kSpecial = 2 };

constexpr std::array<uint8_t, 256> makeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = kSpecial;  // control characters
  t['\t'] = t['\n'] = t['\r'] = t[' '] = kSpace;
  t['<'] = t['&'] = t[']'] = t['"'] = t['\''] = t['>'] = kSpecial;
  return t;
}
inline constexpr std::array<uint8_t, 256> kClasses = makeClasses();

constexpr std::array<bool, 256> makeNameChars() {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['_'] = t['-'] = t['.'] = true;
  return t;
}
inline constexpr std::array<bool, 256> kNameChars = makeNameChars();

inline bool isNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool isNameChar(char c) { return kNameChars[static_cast<unsigned char>(c)]; }
inline bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Length of the reference at s[i] == '&' (one of the five XML entities, or a character
/// reference to a legal XML character); 0 for anything else. Its UTF-8 goes to `decoded`.
std::size_t reference(std::string_view s, std::size_t i, std::string* decoded);

/// Scans text or an attribute value from `i` up to `stop` ('<' or the quote). Known references
/// are accepted; a stray '<' or '>' inside a value, "]]>", other references or control
/// characters return false. `sawContent` becomes true at the first non-whitespace byte.
bool run(std::string_view s, std::size_t& i, char stop, bool& sawContent);

/// Reads a name at s[i] (ASCII letters, digits, '_', '-', '.', optionally one prefix with ':').
/// Returns its length (0 when there is none) and where the prefix colon is (npos when none).
std::size_t name(std::string_view s, std::size_t i, std::size_t* colon);

/// For s[i] at the start of a comment ("<!--"): the offset just past its "-->", or npos when the
/// comment is not well-formed (no end, "--" inside, or a character XML does not allow).
std::size_t commentEnd(std::string_view s, std::size_t i);

/// True when `s` (valid UTF-8) contains U+FFFE or U+FFFF, which XML does not allow anywhere.
bool hasXmlNonCharacters(std::string_view s);

/// The value of an attribute as an XML processor reports it: references decoded, then every
/// tab, newline and carriage return (CRLF counting once) replaced by a space.
void attributeValue(std::string_view raw, std::string& out);

}  // namespace renkei::fhir::xmllex

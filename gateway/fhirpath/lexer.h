// Splits a FHIRPath expression into tokens: identifiers (plain and `delimited`), string,
// number and date/time literals, %variables, $this-style specials and operators. Comments are
// skipped; every token keeps its offset for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "renkei/core/status.h"

namespace renkei::fhirpath {

enum class TokenKind : uint8_t {
  End,
  Identifier,           ///< plain identifier or keyword ("and", "true")
  DelimitedIdentifier,  ///< `...` (never a keyword)
  String,               ///< '...', decoded into `value`
  Integer,
  Decimal,
  DateTime,  ///< @... literal; `text` is without the '@'
  Variable,  ///< %name, %`name` or %'name'; `value` holds the name
  Special,   ///< $this, $index, $total; `text` holds the name without '$'
  Symbol,    ///< operators and punctuation
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;  ///< source text (without '@' / '$' where noted)
  std::string value;      ///< decoded strings, identifiers and variable names
  uint32_t offset = 0;

  bool isSymbol(std::string_view s) const { return kind == TokenKind::Symbol && text == s; }
  bool isKeyword(std::string_view s) const { return kind == TokenKind::Identifier && text == s; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  /// The next token; an InvalidInput status for malformed text.
  Status next(Token& out);
  std::string_view text() const { return text_; }

 private:
  Status skipSpaceAndComments();
  Status readString(char quote, Token& out);
  Status readDateTime(Token& out);
  void readNumber(Token& out);
  Status error(uint32_t offset, std::string message) const;

  std::string_view text_;
  std::size_t pos_ = 0;
};

/// "line:column" of a byte offset in the expression (1-based).
std::string describePosition(std::string_view text, uint32_t offset);

}  // namespace renkei::fhirpath

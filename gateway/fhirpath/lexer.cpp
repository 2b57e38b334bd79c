// The FHIRPath tokenizer (see lexer.h).
#include "lexer.h"

namespace renkei::fhirpath {
namespace {

bool isIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentPart(char c) { return isIdentStart(c) || isDigit(c); }

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string describePosition(std::string_view text, uint32_t offset) {
  uint32_t line = 1, column = 1;
  for (uint32_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

Status Lexer::error(uint32_t offset, std::string message) const {
  return Status::invalidInput("syntax error at " + describePosition(text_, offset) + ": " +
                              std::move(message));
}

Status Lexer::skipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
      std::size_t end = text_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        return error(static_cast<uint32_t>(pos_), "comment is not closed");
      }
      pos_ = end + 2;
    } else {
      break;
    }
  }
  return {};
}

Status Lexer::readString(char quote, Token& out) {
  const std::size_t start = pos_++;
  out.value.clear();
  while (true) {
    if (pos_ >= text_.size()) return error(static_cast<uint32_t>(start), "unterminated literal");
    char c = text_[pos_++];
    if (c == quote) break;
    if (c != '\\') {
      out.value.push_back(c);
      continue;
    }
    if (pos_ >= text_.size()) return error(static_cast<uint32_t>(start), "unterminated literal");
    char e = text_[pos_++];
    switch (e) {
      case '\'': case '"': case '`': case '\\': case '/': out.value.push_back(e); break;
      case 'f': out.value.push_back('\f'); break;
      case 'n': out.value.push_back('\n'); break;
      case 'r': out.value.push_back('\r'); break;
      case 't': out.value.push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](uint32_t& cp) {
          if (pos_ + 4 > text_.size()) return false;
          cp = 0;
          for (int k = 0; k < 4; ++k) {
            int h = hexValue(text_[pos_ + static_cast<std::size_t>(k)]);
            if (h < 0) return false;
            cp = cp * 16 + static_cast<uint32_t>(h);
          }
          pos_ += 4;
          return true;
        };
        uint32_t cp;
        if (!hex4(cp)) return error(static_cast<uint32_t>(pos_), "\\u needs four hex digits");
        if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
          pos_ += 2;
          uint32_t low;
          if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) {
            return error(static_cast<uint32_t>(pos_), "unpaired surrogate in \\u escape");
          }
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          return error(static_cast<uint32_t>(pos_), "unpaired surrogate in \\u escape");
        }
        appendUtf8(out.value, cp);
        break;
      }
      default:
        return error(static_cast<uint32_t>(pos_ - 2), std::string("unknown escape \\") + e);
    }
  }
  out.text = text_.substr(start, pos_ - start);
  return {};
}

void Lexer::readNumber(Token& out) {
  const std::size_t start = pos_;
  while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
  out.kind = TokenKind::Integer;
  if (pos_ + 1 < text_.size() && text_[pos_] == '.' && isDigit(text_[pos_ + 1])) {
    ++pos_;
    while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
    out.kind = TokenKind::Decimal;
  }
  out.text = text_.substr(start, pos_ - start);
}

Status Lexer::readDateTime(Token& out) {
  const std::size_t at = pos_++;
  auto digits = [&](int n) {
    if (pos_ + static_cast<std::size_t>(n) > text_.size()) return false;
    for (int k = 0; k < n; ++k) {
      if (!isDigit(text_[pos_ + static_cast<std::size_t>(k)])) return false;
    }
    pos_ += static_cast<std::size_t>(n);
    return true;
  };
  auto time = [&] {
    if (!digits(2)) return false;
    std::size_t save = pos_;
    if (pos_ < text_.size() && text_[pos_] == ':' && (++pos_, digits(2))) {
      save = pos_;
      if (pos_ < text_.size() && text_[pos_] == ':' && (++pos_, digits(2))) {
        save = pos_;
        if (pos_ + 1 < text_.size() && text_[pos_] == '.' && isDigit(text_[pos_ + 1])) {
          ++pos_;
          while (pos_ < text_.size() && isDigit(text_[pos_])) ++pos_;
          save = pos_;
        }
      }
    }
    pos_ = save;
    return true;
  };
  if (pos_ < text_.size() && text_[pos_] == 'T') {
    ++pos_;
    if (!time()) return error(static_cast<uint32_t>(at), "malformed time literal");
  } else {
    if (!digits(4)) return error(static_cast<uint32_t>(at), "malformed date literal");
    std::size_t save = pos_;
    if (pos_ < text_.size() && text_[pos_] == '-' && (++pos_, digits(2))) {
      save = pos_;
      if (pos_ < text_.size() && text_[pos_] == '-' && (++pos_, digits(2))) save = pos_;
    }
    pos_ = save;
    if (pos_ < text_.size() && text_[pos_] == 'T') {
      ++pos_;
      if (pos_ < text_.size() && isDigit(text_[pos_])) {
        if (!time()) return error(static_cast<uint32_t>(at), "malformed time in literal");
        if (pos_ < text_.size() && text_[pos_] == 'Z') {
          ++pos_;
        } else if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
          std::size_t tz = pos_++;
          if (!digits(2) || pos_ >= text_.size() || text_[pos_++] != ':' || !digits(2)) {
            pos_ = tz;  // not an offset: the sign is an operator
          }
        }
      }
    }
  }
  out.kind = TokenKind::DateTime;
  out.text = text_.substr(at + 1, pos_ - at - 1);
  return {};
}

Status Lexer::next(Token& out) {
  RENKEI_RETURN_IF_ERROR(skipSpaceAndComments());
  out.value.clear();
  out.offset = static_cast<uint32_t>(pos_);
  if (pos_ >= text_.size()) {
    out.kind = TokenKind::End;
    out.text = {};
    return {};
  }
  const char c = text_[pos_];
  if (isIdentStart(c)) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && isIdentPart(text_[pos_])) ++pos_;
    out.kind = TokenKind::Identifier;
    out.text = text_.substr(start, pos_ - start);
    out.value = std::string(out.text);
    return {};
  }
  if (isDigit(c)) {
    readNumber(out);
    return {};
  }
  switch (c) {
    case '\'':
      out.kind = TokenKind::String;
      return readString('\'', out);
    case '`': {
      RENKEI_RETURN_IF_ERROR(readString('`', out));
      out.kind = TokenKind::DelimitedIdentifier;
      return {};
    }
    case '@':
      return readDateTime(out);
    case '%': {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '`' || text_[pos_] == '\'')) {
        RENKEI_RETURN_IF_ERROR(readString(text_[pos_], out));
      } else {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && isIdentPart(text_[pos_])) ++pos_;
        if (pos_ == start) return error(out.offset, "'%' must be followed by a variable name");
        out.value = std::string(text_.substr(start, pos_ - start));
      }
      out.kind = TokenKind::Variable;
      out.text = text_.substr(out.offset, pos_ - out.offset);
      return {};
    }
    case '$': {
      const std::size_t start = ++pos_;
      while (pos_ < text_.size() && isIdentPart(text_[pos_])) ++pos_;
      out.kind = TokenKind::Special;
      out.text = text_.substr(start, pos_ - start);
      if (out.text != "this" && out.text != "index" && out.text != "total") {
        return error(out.offset, "unknown special variable '$" + std::string(out.text) + "'");
      }
      return {};
    }
    default:
      break;
  }
  static constexpr std::string_view kTwoChar[] = {"!=", "!~", "<=", ">="};
  for (std::string_view op : kTwoChar) {
    if (text_.substr(pos_, 2) == op) {
      out.kind = TokenKind::Symbol;
      out.text = text_.substr(pos_, 2);
      pos_ += 2;
      return {};
    }
  }
  static constexpr std::string_view kOneChar = ".,()[]{}+-*/&|=~<>";
  if (kOneChar.find(c) != std::string_view::npos) {
    out.kind = TokenKind::Symbol;
    out.text = text_.substr(pos_++, 1);
    return {};
  }
  return error(out.offset, "unexpected character '" + std::string(1, c) + "'");
}

}  // namespace renkei::fhirpath

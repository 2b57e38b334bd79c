// ICU-backed regular expressions with a time limit and UTF-8 in and out.
#include "renkei/core/regex.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace renkei {

struct Regex::Compiled {
  std::unique_ptr<icu::RegexPattern> pattern;
};

namespace {

std::string errorText(UErrorCode status) {
  if (status == U_REGEX_TIME_OUT) return "the regular expression took too long (time limit reached)";
  if (status == U_REGEX_STACK_OVERFLOW) return "the regular expression needed too much stack";
  return std::string("regular expression error: ") + u_errorName(status);
}

template <typename F>
auto withMatcher(const icu::RegexPattern& p, std::string_view text, F&& f)
    -> decltype(f(std::declval<icu::RegexMatcher&>(), std::declval<UErrorCode&>())) {
  icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m(p.matcher(input, status));
  if (U_FAILURE(status)) return Status::internal(errorText(status));
  m->setTimeLimit(Regex::kTimeLimit, status);
  m->setStackLimit(1 << 20, status);
  return f(*m, status);
}

}  // namespace

Result<Regex> Regex::compile(std::string_view pattern, Options options) {
  if (pattern.size() > 4096) return Status::tooLarge("regular expression longer than 4096 bytes");
  icu::UnicodeString p = icu::UnicodeString::fromUTF8(
      icu::StringPiece(pattern.data(), static_cast<int32_t>(pattern.size())));
  UParseError pe{};
  UErrorCode status = U_ZERO_ERROR;
  auto compiled = std::make_shared<Compiled>();
  compiled->pattern.reset(
      icu::RegexPattern::compile(p, options.dotMatchesNewline ? UREGEX_DOTALL : 0, pe, status));
  if (U_FAILURE(status)) {
    return Status::invalidInput("invalid regular expression '" + std::string(pattern) +
                                "' at offset " + std::to_string(pe.offset) + ": " +
                                u_errorName(status));
  }
  return Regex(std::string(pattern), std::move(compiled));
}

Result<bool> Regex::fullMatch(std::string_view text) const {
  return withMatcher(*compiled_->pattern, text, [](icu::RegexMatcher& m, UErrorCode& status) -> Result<bool> {
    bool r = m.matches(status);
    if (U_FAILURE(status)) return Status::unavailable(errorText(status));
    return r;
  });
}

Result<bool> Regex::find(std::string_view text) const {
  return withMatcher(*compiled_->pattern, text, [](icu::RegexMatcher& m, UErrorCode& status) -> Result<bool> {
    bool r = m.find(status);
    if (U_FAILURE(status)) return Status::unavailable(errorText(status));
    return r;
  });
}

Result<std::string> Regex::replaceAll(std::string_view text, std::string_view replacement) const {
  icu::UnicodeString rep = icu::UnicodeString::fromUTF8(
      icu::StringPiece(replacement.data(), static_cast<int32_t>(replacement.size())));
  return withMatcher(*compiled_->pattern, text,
                     [&](icu::RegexMatcher& m, UErrorCode& status) -> Result<std::string> {
                       icu::UnicodeString out = m.replaceAll(rep, status);
                       if (U_FAILURE(status)) return Status::unavailable(errorText(status));
                       std::string utf8;
                       out.toUTF8String(utf8);
                       return utf8;
                     });
}

}  // namespace renkei

// ICU-backed regular expressions with a time limit and UTF-8 in and out.
#include "renkei/core/regex.h"

#include <mutex>
#include <vector>

#include <unicode/regex.h>
#include <unicode/unistr.h>

namespace renkei {

/// The pattern and the matchers made from it that are free: a matcher is costly to make and to
/// destroy (validation matches every primitive against its type's pattern), so one is taken from
/// here, reset to the text, and put back.
struct Regex::Compiled {
  std::unique_ptr<icu::RegexPattern> pattern;
  mutable std::mutex mutex;
  mutable std::vector<std::unique_ptr<icu::RegexMatcher>> free;
};

namespace {

std::string errorText(UErrorCode status) {
  if (status == U_REGEX_TIME_OUT) return "the regular expression took too long (time limit reached)";
  if (status == U_REGEX_STACK_OVERFLOW) return "the regular expression needed too much stack";
  return std::string("regular expression error: ") + u_errorName(status);
}

}  // namespace

template <typename F>
auto withMatcher(const Regex::Compiled& c, std::string_view text, F&& f)
    -> decltype(f(std::declval<icu::RegexMatcher&>(), std::declval<UErrorCode&>())) {
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::RegexMatcher> m;
  {
    std::lock_guard lock(c.mutex);
    if (!c.free.empty()) {
      m = std::move(c.free.back());
      c.free.pop_back();
    }
  }
  if (!m) {
    m.reset(c.pattern->matcher(status));
    if (U_FAILURE(status)) return Status::internal(errorText(status));
    m->setTimeLimit(Regex::kTimeLimit, status);
    m->setStackLimit(1 << 20, status);
  }
  m->reset(input);  // the matcher refers to `input` until it is reset to the next text
  auto result = f(*m, status);
  std::lock_guard lock(c.mutex);
  if (c.free.size() < 64) c.free.push_back(std::move(m));
  return result;
}

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
  return withMatcher(*compiled_, text, [](icu::RegexMatcher& m, UErrorCode& status) -> Result<bool> {
    bool r = m.matches(status);
    if (U_FAILURE(status)) return Status::unavailable(errorText(status));
    return r;
  });
}

Result<bool> Regex::find(std::string_view text) const {
  return withMatcher(*compiled_, text, [](icu::RegexMatcher& m, UErrorCode& status) -> Result<bool> {
    bool r = m.find(status);
    if (U_FAILURE(status)) return Status::unavailable(errorText(status));
    return r;
  });
}

Result<std::string> Regex::replaceAll(std::string_view text, std::string_view replacement) const {
  icu::UnicodeString rep = icu::UnicodeString::fromUTF8(
      icu::StringPiece(replacement.data(), static_cast<int32_t>(replacement.size())));
  return withMatcher(*compiled_, text,
                     [&](icu::RegexMatcher& m, UErrorCode& status) -> Result<std::string> {
                       icu::UnicodeString out = m.replaceAll(rep, status);
                       if (U_FAILURE(status)) return Status::unavailable(errorText(status));
                       std::string utf8;
                       out.toUTF8String(utf8);
                       return utf8;
                     });
}

}  // namespace renkei

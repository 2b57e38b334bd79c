// Text form of WriteIntent for the message row.
#include "renkei/pipeline/write_intent.h"

#include <charconv>

namespace renkei::pipeline {

std::string encodeWriteIntent(const WriteIntent& intent) {
  std::string out;
  auto add = [&](const std::string& token) { out += (out.empty() ? "" : " ") + token; };
  if (intent.keepResources) add("keep");
  if (intent.isUpdate()) add("update=" + intent.updateType + "/" + intent.updateId);
  if (intent.ifMatch > 0) add("if-match=" + std::to_string(intent.ifMatch));
  if (intent.deletion) add("delete");
  return out;
}

WriteIntent decodeWriteIntent(std::string_view text) {
  WriteIntent intent;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view token = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (token == "keep") {
      intent.keepResources = true;
    } else if (token == "delete") {
      intent.deletion = true;
    } else if (token.rfind("update=", 0) == 0) {
      const std::string_view target = token.substr(7);
      const std::size_t slash = target.find('/');
      if (slash == std::string_view::npos) continue;
      intent.updateType = target.substr(0, slash);
      intent.updateId = target.substr(slash + 1);
    } else if (token.rfind("if-match=", 0) == 0) {
      const std::string_view number = token.substr(9);
      std::from_chars(number.data(), number.data() + number.size(), intent.ifMatch);
    }
  }
  return intent;
}

}  // namespace renkei::pipeline

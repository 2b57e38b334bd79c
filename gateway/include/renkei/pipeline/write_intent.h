// What kind of write an input is, beyond its bytes: whether its resources are kept for reads and
// search, and, for an update (PUT Type/id) or a deletion (DELETE Type/id), which resource it
// replaces or deletes and under which If-Match.
// Stored with the message (as short text) so that routing it again after a crash treats it the
// same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace renkei::pipeline {

struct WriteIntent {
  bool keepResources = false;
  std::string updateType;  ///< non-empty: the input replaces updateType/updateId
  std::string updateId;
  int64_t ifMatch = 0;     ///< the version an update expects to replace (0: any)
  bool deletion = false;   ///< the input deletes updateType/updateId (its bytes say so in FHIR)

  bool isUpdate() const { return !updateType.empty(); }
};

/// "" for the default; otherwise space-separated tokens: "keep", "update=Type/id", "if-match=N",
/// "delete".
std::string encodeWriteIntent(const WriteIntent& intent);
/// The inverse; unknown tokens are ignored.
WriteIntent decodeWriteIntent(std::string_view text);

}  // namespace renkei::pipeline

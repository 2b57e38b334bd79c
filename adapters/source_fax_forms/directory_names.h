// The organization names of the shared directory (every Organization kept in the store: name and
// aliases), for the dictionary:organizations validator of fax forms. Compared after NFKC without
// spaces; looked at once a minute and read again only when an Organization was written since, so a
// new directory entry counts within a minute.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "renkei/store/store.h"

namespace renkei::adapters {

class DirectoryNames {
 public:
  explicit DirectoryNames(std::shared_ptr<store::Store> store) : store_(std::move(store)) {}
  /// True when an organization of the directory has this name or alias. Thread-safe; when the
  /// store cannot be read, the names last read answer.
  bool known(const std::string& name, int64_t nowMs);

 private:
  std::shared_ptr<store::Store> store_;
  std::mutex mutex_;
  std::set<std::string> names_;
  int64_t loadedMs_ = -1;
  int64_t loadedMessage_ = -1;  ///< the newest message that wrote an Organization, when last read
};

/// The form in which names are compared: NFKC, spaces removed.
std::string comparableName(const std::string& name);

}  // namespace renkei::adapters

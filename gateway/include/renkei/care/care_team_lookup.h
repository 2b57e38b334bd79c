// The care directory routing reads: a CareDirectory snapshot rebuilt from the store when a
// CareTeam or directory resource changed — noticed at once for this process's own writes, and
// within check_ms for another instance's on the same PostgreSQL. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "renkei/care/care_directory.h"
#include "renkei/store/store.h"

namespace renkei::care {

class CareTeamLookup {
 public:
  CareTeamLookup(std::shared_ptr<store::Store> store, std::set<std::string> channels,
                 int64_t checkMs, ConsentPolicy policy = {}, TrustPolicy trust = {});

  /// The snapshot to route with, rebuilt first when its resources changed.
  std::shared_ptr<const CareDirectory> current();
  /// This process stored a resource of `type`: the next current() looks at the store again.
  void noteWritten(std::string_view type);
  /// CareTeam, PractitionerRole, Practitioner, Organization, Endpoint, Consent (and Patient,
  /// which a CareTeam's subject or a Consent's patient may name).
  static bool watches(std::string_view type);

 private:
  Result<std::shared_ptr<const CareDirectory>> load();
  std::map<std::string, int64_t> marks();

  std::shared_ptr<store::Store> store_;
  std::set<std::string> channels_;
  int64_t checkMs_;
  ConsentPolicy policy_;
  TrustPolicy trust_;
  std::mutex mutex_;
  std::shared_ptr<const CareDirectory> snapshot_;
  std::map<std::string, int64_t> seen_;  // type → latest message that wrote one, when built
  int64_t checkedAtMs_ = 0;
  // Set by writers without the lock (the committer never waits behind a rebuild).
  std::atomic<bool> dirty_{true};
  std::atomic<bool> patientsMatter_{false};  // some CareTeam's subject is not resolved yet
};

}  // namespace renkei::care

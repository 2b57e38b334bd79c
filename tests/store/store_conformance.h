// The fixture of the Store contract tests (store_conformance_test.cpp, care_and_patient_store_test.cpp):
// a fresh store of each backend, and one message taken in, or taken in and routed.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/store_backends.h"

namespace renkei::store {

class StoreConformance : public test::FreshStoreTest {
 protected:
  RawInput input(const std::string& bytes, const std::string& key = "") {
    return {"inbox", "clinic-1", "file.json", key, bytes};
  }
  int64_t intakeOne(const std::string& bytes) {
    auto r = store_->intake({input(bytes)}, 1000);
    EXPECT_TRUE(r.ok()) << r.status().toString();
    return r.ok() ? r.value()[0].messageId : 0;
  }
  /// Intakes, claims and routes one message to `destinations`, all with one ordering key.
  int64_t routed(const std::string& bytes, std::vector<std::string> destinations,
                 const std::string& ordering = "patient-1") {
    const int64_t id = intakeOne(bytes);
    auto claimed = store_->claimReceived("a", 100, 2000, 30000);
    EXPECT_TRUE(claimed.ok());
    RoutingOutcome o{id, kRouted, "", "{}", bytes, {}};
    for (auto& d : destinations) o.deliveries.push_back({d, ordering});
    EXPECT_TRUE(store_->recordRouting({o}, "a", 2000).ok());
    return id;
  }
};

}  // namespace renkei::store

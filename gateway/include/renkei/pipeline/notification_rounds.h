// Notifications in the pipeline: turning a care-team delivery with a notice into a notification
// (its fact, token, deadline or digest time, summary and, when urgent, its content), and the
// round that escalates unacknowledged urgent notifications and sends the due daily digests.
#pragma once

#include <string>

#include "renkei/care/care_directory.h"
#include "renkei/core/status.h"
#include "renkei/routing/router.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

void planNotification(store::PlannedDelivery& planned, const routing::RoutedDelivery::Notice& notice,
                      const fhir::Node& root, const routing::MessageFacts& facts,
                      const std::string& canonical, const std::string& today, int64_t nowMs);

/// Whether a delivery is a digest or an escalation the gateway made: consent was checked for
/// each notification it carries (when it was sent, or when the digest was made), and its content
/// lists notifications, not one patient's message, so the consent loop leaves it alone.
bool carriesCheckedNotifications(const store::OutboxRow& row);

/// One round over the due notifications: each AWAITING one past its deadline is escalated to its
/// fallback sinks; the DIGEST ones due are gathered per (destination, recipient) into one digest
/// delivery, except those the patient's consent (`care`, when given) does not allow now, which
/// wait for the next digest. Returns how many notifications it handled.
Result<int> sendDueNotifications(store::Store& store, const care::CareDirectory* care,
                                 int digestMinuteOfDay, int64_t nowMs);

}  // namespace renkei::pipeline

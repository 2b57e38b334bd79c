// The gateway's spine: sources submit → durable intake → normalize → route → outbox → delivery
// workers → sinks, with retries, dead letters and leases. Every state change is committed before
// anything is acknowledged or reported; work survives a crash because it is in the store. The
// background router and the delivery workers are SupervisedLoops ("pipeline:router",
// "pipeline:delivery-N"); a programming or data error (an exception from a sink or the
// normalizer, an Internal store error) makes that one message or delivery FAILED or DEAD with its
// reason instead of being retried forever.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "renkei/core/supervised_loop.h"
#include "renkei/pipeline/intake.h"
#include "renkei/pipeline/metrics.h"
#include "renkei/pipeline/normalizer.h"
#include "renkei/pipeline/patient_registry.h"
#include "renkei/pipeline/retry_policy.h"
#include "renkei/pipeline/sink.h"
#include "renkei/pipeline/subscriptions.h"
#include "renkei/routing/router.h"
#include "renkei/care/care_team_lookup.h"
#include "renkei/store/store.h"

namespace renkei::pipeline {

using Clock = std::function<int64_t()>;  ///< milliseconds since the Unix epoch
int64_t systemNowMs();

struct PipelineOptions {
  std::string owner;           ///< this instance's lease name (host:pid by default)
  int deliveryWorkers = 2;
  int batchSize = 64;
  int64_t leaseMs = 30000;     ///< how long claimed work stays ours without a result
  int64_t pollMs = 50;         ///< idle wait between store polls
  RetryPolicy retry;
  /// Who cares for whom, for routes that name care-team roles; null: such routes reach no one.
  std::shared_ptr<care::CareTeamLookup> careTeams;
  /// The patient registry: matching links each message's patient to a person, and routing knows
  /// the patient by every linked record's identifiers; null: by the message's own only.
  std::shared_ptr<PatientRegistry> patients;
  /// Clients' rest-hook Subscriptions; null: none are served.
  std::shared_ptr<SubscriptionLookup> subscriptions;
};

class Pipeline : public Intake {
 public:
  Pipeline(std::shared_ptr<store::Store> store, std::shared_ptr<const Normalizer> normalizer,
           std::shared_ptr<const routing::Router> router,
           std::map<std::string, std::shared_ptr<Sink>> sinks, PipelineOptions options,
           std::shared_ptr<Metrics> metrics, Clock clock = systemNowMs);
  ~Pipeline() override;

  std::vector<SubmitResult> submit(std::vector<store::RawInput> inputs) override;
  PreparedInput prepare(store::RawInput input) const override;
  std::vector<SubmitResult> submitPrepared(std::vector<PreparedInput> inputs) override;
  std::shared_ptr<HealthRegistry> health() const override;

  /// Starts the background processor (RECEIVED leftovers) and the delivery workers.
  void start();
  /// Stops claiming new work, lets in-flight deliveries finish and commit, then joins.
  void stop();

  /// One round of each loop, for tests and tools: returns how many items it handled.
  int processReceivedOnce();
  int deliverOnce();
  /// Holds back or releases deliveries to care-team members when the care directory (and the
  /// consents in it) changed since the last look (one round of the consent loop; returns 0).
  Result<int> reviewConsents();
  /// Escalates unacknowledged urgent notifications and sends the due digests (one round of the
  /// notification loop; returns how many notifications it handled).
  Result<int> sendNotifications();

  /// Wakes the delivery workers (new outbox rows were committed).
  void notifyWork();

 private:
  /// Normalizes and routes one input from `sender` (a deletion as its write intent says); an
  /// empty ordering key means "this message's own line".
  store::RoutingOutcome normalizeAndRoute(const std::string& source, const std::string& sender,
                                          const std::string& name, std::string bytes,
                                          const std::string& writeIntent) const;
  /// The same, with an exception turned into a FAILED outcome that says so.
  store::RoutingOutcome normalizeAndRouteGuarded(const std::string& source,
                                                 const std::string& sender,
                                                 const std::string& name, std::string bytes,
                                                 const std::string& writeIntent) const;
  /// The intake of a batch whose commit failed for good: each input alone, and one that still
  /// fails is stored as a FAILED message with the reason (or refused, when even that fails).
  std::vector<SubmitResult> submitOneByOne(std::vector<PreparedInput> inputs);
  SubmitResult submitAsFailed(const PreparedInput& input, const Status& reason);
  /// Records routing outcomes; a batch that fails for good is recorded one by one, and an
  /// outcome that still fails is recorded as FAILED with the reason.
  Status recordRoutingIsolated(std::vector<store::RoutingOutcome>& outcomes);
  /// The registry's plan for the message's patient, and the identifiers routing knows it by.
  std::vector<std::string> observePatient(store::RoutingOutcome& o, const std::string& sender,
                                          const std::string& canonical,
                                          const routing::MessageFacts& facts) const;
  /// Adds the rest-hook deliveries of a routed outcome (subscriptions.h).
  void planSubscriptions(store::RoutingOutcome& o, const std::string& sender,
                         const std::string& patientKey, const std::string& writeIntent,
                         int64_t nowMs) const;
  /// Tells the care directory, the subscriptions and the patient registry what a committed
  /// outcome wrote.
  void noteCommitted(const store::RoutingOutcome& outcome) const;
  /// Records attempt results the same way: one that cannot be stored becomes DEAD with the reason.
  Status recordDeliveriesIsolated(const std::vector<store::DeliveryUpdate>& updates);
  /// The outbox update (and metrics) for one row's delivery result (delivery_round.cpp).
  store::DeliveryUpdate deliveryUpdate(const store::OutboxRow& row, const DeliveryResult& result,
                                       int64_t finishedMs);
  /// Delivers `rows[picked...]`, which share a destination, as one batch; fills their updates.
  void deliverToOneSink(const std::vector<store::OutboxRow>& rows, const std::vector<std::size_t>& picked,
                        std::vector<store::DeliveryUpdate>& updates);
  /// One round of each loop: how many items it handled, or why it could not.
  Result<int> routeReceived();
  Result<int> deliverDue();
  void waitForWork();

  std::shared_ptr<store::Store> store_;
  std::shared_ptr<const Normalizer> normalizer_;
  std::shared_ptr<const routing::Router> router_;
  std::map<std::string, std::shared_ptr<Sink>> sinks_;
  PipelineOptions options_;
  std::shared_ptr<Metrics> metrics_;
  Clock clock_;

  std::atomic<bool> running_{false};
  std::mutex wakeMutex_;
  std::condition_variable wake_;
  uint64_t wakeups_ = 0;
  std::vector<std::unique_ptr<SupervisedLoop>> loops_;
  std::shared_ptr<const care::CareDirectory> consentsReviewed_;  // reviewConsents' thread only
};

}  // namespace renkei::pipeline

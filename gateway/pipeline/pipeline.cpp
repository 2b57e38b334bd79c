// Pipeline: intake, the normalize/route step and the delivery loop over the Store.
#include "renkei/pipeline/pipeline.h"

#include <chrono>
#include <random>

#include "renkei/core/json_log.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/routing/message_facts.h"

namespace renkei::pipeline {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Pipeline::Pipeline(std::shared_ptr<store::Store> store,
                   std::shared_ptr<const Normalizer> normalizer,
                   std::shared_ptr<const routing::Router> router,
                   std::map<std::string, std::shared_ptr<Sink>> sinks, PipelineOptions options,
                   std::shared_ptr<Metrics> metrics, Clock clock)
    : store_(std::move(store)),
      normalizer_(std::move(normalizer)),
      router_(std::move(router)),
      sinks_(std::move(sinks)),
      options_(std::move(options)),
      metrics_(std::move(metrics)),
      clock_(std::move(clock)) {}

Pipeline::~Pipeline() { stop(); }

store::RoutingOutcome Pipeline::normalizeAndRoute(const std::string& source,
                                                  const std::string& name,
                                                  std::string bytes) const {
  store::RoutingOutcome o;
  Normalized n = normalizer_->normalize(std::move(bytes), name);
  if (!n.document) {
    o.state = store::kFailed;
    o.error = n.error;
    return o;
  }
  const fhir::Node& root = *n.document->root();
  const routing::MessageFacts facts = routing::collectFacts(root);
  routing::RoutingDecision decision = router_->decide(source, root, facts);
  o.routing = std::move(decision.record);
  o.canonical = std::move(n.canonical);
  o.state = decision.destinations.empty() ? store::kUnrouted : store::kRouted;
  for (const std::string& d : decision.destinations) o.deliveries.push_back({d, facts.patientKey});
  return o;
}

namespace {

/// Gives the outcome its message id, and deliveries without a patient their message's own line.
void bind(store::RoutingOutcome& o, int64_t messageId) {
  o.messageId = messageId;
  for (store::PlannedDelivery& d : o.deliveries) {
    if (d.orderingKey.empty()) d.orderingKey = "message-" + std::to_string(messageId);
  }
}

}  // namespace

namespace {

/// Adds the message's resources when its write intent keeps them, under server ids that follow
/// from the message id (a repeat of the input is the same message and names the same resources),
/// or under the client's ids for updates.
void addResources(store::RoutingOutcome& o, int64_t messageId, const std::string& writeIntent) {
  const WriteIntent intent = decodeWriteIntent(writeIntent);
  if (o.state == store::kFailed || !intent.keepResources) return;
  auto resources = identifyResources(o.canonical, {"", messageId, ""}, intent);
  if (resources.ok()) o.resources = std::move(resources).value();
}

/// Runs a store transaction up to three times while it fails with Conflict: two instances on one
/// PostgreSQL writing the same unique key (an idempotency key, a resource version) at once make
/// one of them roll back, and the next try finds the other's commit.
template <typename Transaction>
auto retryingConflicts(Transaction&& transaction) {
  auto result = transaction();
  for (int attempt = 1; attempt < 3 && result.status().code() == StatusCode::Conflict; ++attempt) {
    result = transaction();
  }
  return result;
}

}  // namespace

PreparedInput Pipeline::prepare(store::RawInput input) const {
  PreparedInput p;
  p.outcome = normalizeAndRoute(input.source, input.name, input.bytes);
  p.input = std::move(input);
  return p;
}

std::vector<SubmitResult> Pipeline::submit(std::vector<store::RawInput> inputs) {
  std::vector<PreparedInput> prepared;
  prepared.reserve(inputs.size());
  for (store::RawInput& in : inputs) prepared.push_back(prepare(std::move(in)));
  return submitPrepared(std::move(prepared));
}

std::vector<SubmitResult> Pipeline::submitPrepared(std::vector<PreparedInput> inputs) {
  std::vector<SubmitResult> results(inputs.size());
  std::vector<store::RawInput> raw;
  raw.reserve(inputs.size());
  for (const PreparedInput& p : inputs) raw.push_back(p.input);
  // New inputs are committed together with their routing (one transaction, one flush). A repeat
  // of a message that is not routed yet is left to the background router.
  std::vector<std::size_t> outcomeIndex;
  const store::RouteReceipts route = [&](const std::vector<store::IntakeReceipt>& receipts) {
    std::vector<store::RoutingOutcome> outcomes;
    outcomeIndex.clear();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (receipts[i].duplicate || receipts[i].state != store::kReceived) continue;
      outcomes.push_back(inputs[i].outcome);
      addResources(outcomes.back(), receipts[i].messageId, inputs[i].input.writeIntent);
      bind(outcomes.back(), receipts[i].messageId);
      outcomeIndex.push_back(i);
    }
    return outcomes;
  };
  auto done = retryingConflicts(
      [&] { return store_->intakeAndRoute(raw, route, options_.owner, clock_()); });
  if (!done.ok()) {
    for (SubmitResult& r : results) r.committed = done.status();
    JsonLog::write(LogLevel::Error, "intake_failed",
                   {{"inputs", std::to_string(inputs.size())},
                    {"error", done.status().toString()}});
    return results;
  }
  const std::vector<store::IntakeReceipt>& receipts = done.value().receipts;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const store::IntakeReceipt& receipt = receipts[i];
    results[i].messageId = receipt.messageId;
    results[i].duplicate = receipt.duplicate;
    results[i].state = receipt.state;
    results[i].error = receipt.error;
    metrics_->countIntake(inputs[i].input.source, receipt.duplicate ? "duplicate" : "accepted");
    if (receipt.duplicate) {
      // A repeat names the resources its original made (ids follow from the message id).
      addResources(inputs[i].outcome, receipt.messageId, inputs[i].input.writeIntent);
      for (const store::ResourceCopy& r : inputs[i].outcome.resources) {
        results[i].resources.push_back({r.type, r.id, 0, false});
      }
    }
  }
  std::vector<store::RoutingOutcome>& outcomes = done.value().outcomes;
  std::size_t deliveries = 0;
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    SubmitResult& r = results[outcomeIndex[k]];
    deliveries += outcomes[k].deliveries.size();
    if (done.value().applied[k]) {
      r.state = outcomes[k].state;
      r.error = outcomes[k].error;
      for (const store::ResourceCopy& c : outcomes[k].resources) {
        r.resources.push_back({c.type, c.id, c.version, c.created});
      }
    }
  }
  // Same-batch repeats of a new input report the state their first copy got.
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!results[i].duplicate || results[i].state != store::kReceived) continue;
    for (std::size_t j = 0; j < i; ++j) {
      if (results[j].messageId == results[i].messageId) {
        results[i].state = results[j].state;
        results[i].error = results[j].error;
        break;
      }
    }
  }
  JsonLog::write(LogLevel::Debug, "messages_routed",
                 {{"messages", std::to_string(outcomes.size())},
                  {"deliveries", std::to_string(deliveries)}});
  notifyWork();
  return results;
}

int Pipeline::processReceivedOnce() {
  auto claimed = store_->claimReceived(options_.owner, options_.batchSize, clock_(),
                                       options_.leaseMs);
  if (!claimed.ok() || claimed->empty()) return 0;
  std::vector<store::RoutingOutcome> outcomes;
  for (store::StoredMessage& m : claimed.value()) {
    auto raw = store_->rawBytes(m.sha256);
    if (!raw.ok()) {
      outcomes.push_back({m.id, store::kFailed, "raw input missing: " + raw.status().message(),
                          "", "", {}, {}});
      continue;
    }
    outcomes.push_back(normalizeAndRoute(m.source, m.name, std::move(raw).value()));
    addResources(outcomes.back(), m.id, m.writeIntent);
    bind(outcomes.back(), m.id);
  }
  auto st = retryingConflicts(
      [&] { return store_->recordRouting(outcomes, options_.owner, clock_()); });
  if (!st.ok()) {
    JsonLog::write(LogLevel::Warn, "routing_failed", {{"error", st.status().toString()}});
    return 0;
  }
  notifyWork();
  return static_cast<int>(outcomes.size());
}

store::DeliveryUpdate Pipeline::attempt(const store::OutboxRow& row) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  store::DeliveryUpdate u;
  u.outboxId = row.id;
  auto sink = sinks_.find(row.destination);
  DeliveryResult result;
  const int64_t started = clock_();
  if (sink == sinks_.end()) {
    result = {Outcome::Reject, "destination '" + row.destination + "' is not configured", "", {}};
  } else {
    auto read = fhir::readResource(row.canonical, fhir::SourceFormat::Json);
    if (!read.ok()) {
      result = {Outcome::Reject, "stored canonical message unreadable: " + read.status.message(),
                "", {}};
    } else {
      DeliveryRequest request{row.id,           row.messageId, row.idempotencyKey,
                              read.document->text(), read.document->root(), row.sender,
                              row.writeIntent};
      result = sink->second->deliver(request);
    }
  }
  const int64_t finished = clock_();
  metrics_->observeAttempt(row.destination, static_cast<double>(finished - started) / 1000.0);
  u.lastError = result.outcome == Outcome::Delivered ? "" : result.detail;
  u.responseBody = result.responseBody.substr(0, 64 * 1024);
  switch (result.outcome) {
    case Outcome::Delivered:
      u.state = store::kSent;
      metrics_->countDelivery(row.destination, "delivered");
      metrics_->observeLatency(row.destination,
                               static_cast<double>(finished - row.receivedMs) / 1000.0);
      break;
    case Outcome::Retry:
      if (options_.retry.exhausted(row.attempts)) {
        u.state = store::kDead;
        u.lastError += " (gave up after " + std::to_string(row.attempts) + " attempts)";
        metrics_->countDelivery(row.destination, "dead");
      } else {
        u.state = store::kRetrying;
        const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
        u.nextAttemptMs = finished + options_.retry.delayMs(row.attempts, result.retryAfterMs, unit);
        metrics_->countDelivery(row.destination, "retry");
      }
      break;
    case Outcome::Reject:
      u.state = store::kDead;
      metrics_->countDelivery(row.destination, "rejected");
      break;
  }
  if (result.outcome != Outcome::Delivered) {
    JsonLog::write(LogLevel::Warn, "delivery_failed",
                   {{"outbox", std::to_string(row.id)},
                    {"destination", row.destination},
                    {"attempt", std::to_string(row.attempts)},
                    {"state", u.state},
                    {"error", result.detail}});
  }
  return u;
}

int Pipeline::deliverOnce() {
  auto claimed = store_->claimDeliveries(options_.owner, options_.batchSize, clock_(),
                                         options_.leaseMs);
  if (!claimed.ok()) {
    JsonLog::write(LogLevel::Warn, "claim_failed", {{"error", claimed.status().toString()}});
    return 0;
  }
  if (claimed->empty()) return 0;
  std::vector<store::DeliveryUpdate> updates;
  updates.reserve(claimed->size());
  for (const store::OutboxRow& row : claimed.value()) updates.push_back(attempt(row));
  auto applied = store_->recordDeliveries(updates, options_.owner);
  if (!applied.ok()) {
    JsonLog::write(LogLevel::Error, "record_deliveries_failed",
                   {{"error", applied.status().toString()}});
  }
  return static_cast<int>(updates.size());
}

void Pipeline::notifyWork() {
  {
    std::lock_guard lock(wakeMutex_);
    ++wakeups_;
  }
  wake_.notify_all();
}

void Pipeline::waitForWork() {
  std::unique_lock lock(wakeMutex_);
  const uint64_t seen = wakeups_;
  wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMs),
                 [&] { return wakeups_ != seen || !running_; });
}

void Pipeline::processorLoop() {
  while (running_) {
    if (processReceivedOnce() == 0) waitForWork();
  }
}

void Pipeline::deliveryLoop() {
  while (running_) {
    if (deliverOnce() == 0) waitForWork();
  }
}

void Pipeline::start() {
  if (running_.exchange(true)) return;
  threads_.emplace_back([this] { processorLoop(); });
  for (int i = 0; i < options_.deliveryWorkers; ++i) {
    threads_.emplace_back([this] { deliveryLoop(); });
  }
}

void Pipeline::stop() {
  if (!running_.exchange(false)) return;
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

}  // namespace renkei::pipeline

// Pipeline: intake, the normalize/route step and the loops over the Store (the delivery round
// is in delivery_round.cpp).
#include "renkei/pipeline/pipeline.h"

#include <algorithm>
#include <chrono>

#include "renkei/core/digest.h"
#include "renkei/core/json_log.h"
#include "renkei/core/time_text.h"
#include "renkei/fhir/operation_outcome.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/matching/patient_from_fhir.h"
#include "renkei/pipeline/deletion.h"
#include "renkei/pipeline/notification_rounds.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/stated_care_teams.h"
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

std::shared_ptr<HealthRegistry> Pipeline::health() const {
  return metrics_ ? metrics_->health() : nullptr;
}

store::RoutingOutcome Pipeline::normalizeAndRoute(const std::string& source,
                                                  const std::string& sender,
                                                  const std::string& name, std::string bytes,
                                                  const std::string& writeIntent) const {
  store::RoutingOutcome o;
  Normalized n = normalizer_->normalize(std::move(bytes), name);
  if (!n.document) {
    o.state = store::kFailed;
    o.error = n.error;
    return o;
  }
  const WriteIntent intent = decodeWriteIntent(writeIntent);
  if (intent.deletion) {
    return routeDeletion(*store_, intent, sender, std::move(n.canonical), [&](const std::string& d) {
      auto sink = sinks_.find(d);
      return sink != sinks_.end() && sink->second->deliversDeletions();
    });
  }
  const fhir::Node& root = *n.document->root();
  routing::MessageFacts facts = routing::collectFacts(root);
  facts.sender = sender;
  std::shared_ptr<const care::CareDirectory> care;
  if (options_.careTeams && router_->usesCareTeams()) care = options_.careTeams->current();
  const int64_t now = clock_();
  const std::string today = localDateAt(now);
  routing::MessageFacts routed = facts;
  routed.patientIdentifiers = observePatient(o, sender, n.canonical, facts);
  routing::RoutingDecision decision = router_->decide(source, root, routed, care.get(), today);
  o.routing = std::move(decision.record);
  o.canonical = std::move(n.canonical);
  o.state = decision.deliveries.empty() ? store::kUnrouted : store::kRouted;
  o.acknowledgements = care::acknowledgedTokens(root);
  o.patientIdentifiers = facts.patientIdentifiers;
  for (routing::RoutedDelivery& d : decision.deliveries) {
    store::PlannedDelivery planned{std::move(d.destination), facts.patientKey,
                                   std::move(d.recipient), std::move(d.held)};
    if (d.notice) planNotification(planned, *d.notice, root, routed, o.canonical, today, now);
    o.deliveries.push_back(std::move(planned));
  }
  o.statedCareTeams = statedCareTeams(facts, care.get());
  planSubscriptions(o, sender, facts.patientKey, writeIntent, now);
  return o;
}

std::vector<std::string> Pipeline::observePatient(store::RoutingOutcome& o,
                                                  const std::string& sender,
                                                  const std::string& canonical,
                                                  const routing::MessageFacts& facts) const {
  if (!options_.patients || facts.patientIdentifiers.empty()) return facts.patientIdentifiers;
  rapidjson::Document document;
  document.Parse(canonical.c_str(), canonical.size());
  if (document.HasParseError()) return facts.patientIdentifiers;
  const rapidjson::Value* patient = matching::firstPatient(document);
  if (patient == nullptr) return facts.patientIdentifiers;
  PatientRegistry::Observation seen = options_.patients->observe(sender, *patient);
  o.patientLink = std::move(seen.plan);
  std::vector<std::string> identifiers = facts.patientIdentifiers;
  for (std::string& id : seen.personIdentifiers) {
    if (std::find(identifiers.begin(), identifiers.end(), id) == identifiers.end()) {
      identifiers.push_back(std::move(id));
    }
  }
  return identifiers;
}

void Pipeline::planSubscriptions(store::RoutingOutcome& o, const std::string& sender,
                                 const std::string& patientKey, const std::string& writeIntent,
                                 int64_t nowMs) const {
  if (!options_.subscriptions) return;
  std::shared_ptr<const std::vector<Subscription>> active = options_.subscriptions->current(nowMs);
  if (active->empty()) return;
  // Ids here are placeholders (the message id comes with the commit): criteria decide on types,
  // index values and client-named ids, which do not depend on it.
  auto resources = identifyResources(o.canonical, {"", 1, ""}, decodeWriteIntent(writeIntent));
  if (!resources.ok()) return;
  for (store::PlannedDelivery& d :
       subscriptionDeliveries(*active, options_.subscriptions->policy(), sender, o.deliveries,
                              carriedResources(resources.value()), patientKey, nowMs)) {
    o.deliveries.push_back(std::move(d));
  }
  if (o.state == store::kUnrouted && !o.deliveries.empty()) o.state = store::kRouted;
}

namespace {

/// A FAILED outcome whose error is an OperationOutcome with `reason`.
store::RoutingOutcome failedOutcome(const std::string& reason) {
  store::RoutingOutcome o;
  o.state = store::kFailed;
  o.error = fhir::operationOutcomeJson({fhir::fatalIssue(reason)});
  return o;
}

/// renkei_intake_total's result: "failed" when the input ended FAILED (invalid, unreadable, or a
/// repeat of such an input), else "duplicate" for a repeat, else "accepted".
const char* intakeResult(const SubmitResult& r) {
  if (r.state == store::kFailed) return "failed";
  return r.duplicate ? "duplicate" : "accepted";
}

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
/// or under the client's ids for updates; a deletion's resource without content.
void addResources(store::RoutingOutcome& o, int64_t messageId, const std::string& writeIntent) {
  const WriteIntent intent = decodeWriteIntent(writeIntent);
  if (o.state == store::kFailed || !intent.keepResources) return;
  if (intent.deletion) {
    store::ResourceCopy gone{intent.updateType, intent.updateId, "", {}};
    gone.update = true;
    gone.ifMatch = intent.ifMatch;
    o.resources = {std::move(gone)};
    return;
  }
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

store::RoutingOutcome Pipeline::normalizeAndRouteGuarded(const std::string& source,
                                                         const std::string& sender,
                                                         const std::string& name, std::string bytes,
                                                         const std::string& writeIntent) const {
  try {
    return normalizeAndRoute(source, sender, name, std::move(bytes), writeIntent);
  } catch (...) {
    const std::string error = describeCurrentException();
    JsonLog::write(LogLevel::Error, "normalize_exception", {{"source", source}, {"error", error}});
    return failedOutcome("the input could not be normalized (an internal error: " + error + ")");
  }
}

PreparedInput Pipeline::prepare(store::RawInput input) const {
  PreparedInput p;
  p.outcome = normalizeAndRouteGuarded(input.source, input.sender, input.name, input.bytes,
                                       input.writeIntent);
  // Hashed here, in the caller's thread, so that the one committer does not.
  if (input.sha256.empty()) input.sha256 = sha256Hex(input.bytes);
  p.input = std::move(input);
  return p;
}

std::vector<SubmitResult> Pipeline::submit(std::vector<store::RawInput> inputs) {
  return submitPrepared(prepareAll(*this, std::move(inputs)));
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
  if (!done.ok() && isPermanentFailure(done.status())) {
    // A programming or data error, not an outage: find the input it belongs to, and keep it as a
    // FAILED message with its reason instead of refusing (and retrying) the whole batch forever.
    JsonLog::write(LogLevel::Error, "intake_refused",
                   {{"inputs", std::to_string(inputs.size())},
                    {"error", done.status().toString()}});
    if (inputs.size() > 1) return submitOneByOne(std::move(inputs));
    return {submitAsFailed(inputs[0], done.status())};
  }
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
    noteCommitted(outcomes[k]);
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
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    metrics_->countIntake(inputs[i].input.source, intakeResult(results[i]));
  }
  JsonLog::write(LogLevel::Debug, "messages_routed",
                 {{"messages", std::to_string(outcomes.size())},
                  {"deliveries", std::to_string(deliveries)}});
  notifyWork();
  return results;
}

std::vector<SubmitResult> Pipeline::submitOneByOne(std::vector<PreparedInput> inputs) {
  std::vector<SubmitResult> results;
  results.reserve(inputs.size());
  for (PreparedInput& input : inputs) {
    std::vector<PreparedInput> one;
    one.push_back(std::move(input));
    results.push_back(submitPrepared(std::move(one)).at(0));
  }
  return results;
}

SubmitResult Pipeline::submitAsFailed(const PreparedInput& input, const Status& reason) {
  SubmitResult r;
  auto receipts = retryingConflicts([&] { return store_->intake({input.input}, clock_()); });
  if (!receipts.ok()) {
    r.committed = receipts.status();
    JsonLog::write(LogLevel::Error, "intake_failed",
                   {{"source", input.input.source}, {"error", receipts.status().toString()}});
    return r;
  }
  const store::IntakeReceipt& receipt = receipts.value().at(0);
  r.messageId = receipt.messageId;
  r.duplicate = receipt.duplicate;
  r.state = receipt.state;
  r.error = receipt.error;
  if (receipt.duplicate || receipt.state != store::kReceived) {
    metrics_->countIntake(input.input.source, intakeResult(r));
    return r;
  }
  std::vector<store::RoutingOutcome> failed{
      failedOutcome("the input was received but its outcome could not be stored: " +
                    reason.toString())};
  bind(failed[0], receipt.messageId);
  auto recorded = store_->recordRouting(failed, options_.owner, clock_());
  if (recorded.ok() && recorded.value().at(0)) {
    r.state = store::kFailed;
    r.error = failed[0].error;
  }
  metrics_->countIntake(input.input.source, intakeResult(r));
  JsonLog::write(LogLevel::Error, "message_failed_internal",
                 {{"message", std::to_string(receipt.messageId)},
                  {"recorded", recorded.ok() ? "yes" : recorded.status().toString()}});
  return r;
}

void Pipeline::noteCommitted(const store::RoutingOutcome& outcome) const {
  if (options_.patients && outcome.patientLink && outcome.state != store::kFailed) {
    options_.patients->noteCommitted(*outcome.patientLink);
  }
  if (options_.subscriptions) {
    for (const store::ResourceCopy& c : outcome.resources) options_.subscriptions->noteWritten(c.type);
  }
  if (!options_.careTeams) return;
  for (const store::ResourceCopy& c : outcome.resources) options_.careTeams->noteWritten(c.type);
  for (const store::ResourceCopy& c : outcome.statedCareTeams) {
    if (c.changed) options_.careTeams->noteWritten(c.type);
  }
}

Status Pipeline::recordRoutingIsolated(std::vector<store::RoutingOutcome>& outcomes) {
  auto st = retryingConflicts(
      [&] { return store_->recordRouting(outcomes, options_.owner, clock_()); });
  if (st.ok() || !isPermanentFailure(st.status())) return st.status();
  if (outcomes.size() > 1) {
    for (store::RoutingOutcome& o : outcomes) {
      std::vector<store::RoutingOutcome> one{std::move(o)};
      RENKEI_RETURN_IF_ERROR(recordRoutingIsolated(one));
    }
    return Status::okStatus();
  }
  // This outcome cannot be stored: its message becomes FAILED with the reason.
  const int64_t messageId = outcomes.at(0).messageId;
  std::vector<store::RoutingOutcome> failed{failedOutcome(
      "the routing outcome could not be stored: " + st.status().toString())};
  bind(failed[0], messageId);
  auto recorded = store_->recordRouting(failed, options_.owner, clock_());
  JsonLog::write(LogLevel::Error, "message_failed_internal",
                 {{"message", std::to_string(messageId)},
                  {"recorded", recorded.ok() ? "yes" : recorded.status().toString()}});
  return recorded.status();
}

Result<int> Pipeline::routeReceived() {
  auto claimed = store_->claimReceived(options_.owner, options_.batchSize, clock_(),
                                       options_.leaseMs);
  if (!claimed.ok()) return claimed.status();
  if (claimed->empty()) return 0;
  std::vector<store::RoutingOutcome> outcomes;
  for (store::StoredMessage& m : claimed.value()) {
    auto raw = store_->rawBytes(m.sha256);
    if (!raw.ok() && raw.status().code() != StatusCode::NotFound) return raw.status();
    if (!raw.ok()) {
      outcomes.push_back(failedOutcome("raw input missing: " + raw.status().message()));
    } else {
      outcomes.push_back(
          normalizeAndRouteGuarded(m.source, m.sender, m.name, std::move(raw).value(), m.writeIntent));
      try {
        addResources(outcomes.back(), m.id, m.writeIntent);
      } catch (...) {
        outcomes.back() = failedOutcome("the input's resources could not be identified (an "
                                        "internal error: " + describeCurrentException() + ")");
      }
    }
    bind(outcomes.back(), m.id);
  }
  RENKEI_RETURN_IF_ERROR(recordRoutingIsolated(outcomes));
  for (const store::RoutingOutcome& o : outcomes) noteCommitted(o);
  notifyWork();
  return static_cast<int>(outcomes.size());
}

Result<int> Pipeline::reviewConsents() {
  std::shared_ptr<const care::CareDirectory> care = options_.careTeams->current();
  if (care == consentsReviewed_) return 0;
  int held = 0, released = 0;
  int64_t after = 0;
  for (;;) {
    auto rows = store_->undeliveredToRecipients(clock_(), after, 500);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) break;
    std::vector<store::HoldUpdate> updates;
    for (const store::OutboxRow& row : rows.value()) {
      after = row.id;
      if (carriesCheckedNotifications(row) || followsNoCareTeam(row)) continue;
      fhir::ReadResult read = fhir::readResource(row.canonical, fhir::SourceFormat::Json);
      if (!read.ok()) continue;
      const routing::MessageFacts facts = routing::collectFacts(*read.document->root());
      const std::string ward = facts.municipality != nullptr ? facts.municipality->code : "";
      const std::vector<std::string> identifiers =
          options_.patients ? options_.patients->personIdentifiers(row.sender, facts.patientIdentifiers)
                            : facts.patientIdentifiers;
      const std::string reason =
          care->holdReason(identifiers, ward, care->recipientFromJson(row.recipient));
      const bool isHeld = row.state == store::kHeld;
      if (reason.empty() && isHeld) {
        updates.push_back({row.id, ""});
        ++released;
      } else if (!reason.empty() && (!isHeld || row.lastError != reason)) {
        updates.push_back({row.id, reason});
        held += isHeld ? 0 : 1;
      }
    }
    auto applied = store_->setHolds(updates, clock_());
    if (!applied.ok()) return applied.status();
  }
  consentsReviewed_ = std::move(care);
  if (held > 0 || released > 0) {
    JsonLog::write(LogLevel::Info, "consent_reviewed",
                   {{"held", std::to_string(held)}, {"released", std::to_string(released)}});
    notifyWork();
  }
  return 0;
}

Result<int> Pipeline::sendNotifications() {
  std::shared_ptr<const care::CareDirectory> care;
  if (options_.careTeams) care = options_.careTeams->current();
  auto handled = sendDueNotifications(*store_, care.get(), router_->digestMinuteOfDay(), clock_());
  if (handled.ok() && handled.value() > 0) notifyWork();
  return handled;
}

int Pipeline::processReceivedOnce() {
  auto routed = routeReceived();
  if (!routed.ok()) {
    JsonLog::write(LogLevel::Warn, "routing_failed", {{"error", routed.status().toString()}});
    return 0;
  }
  return routed.value();
}

Status Pipeline::recordDeliveriesIsolated(const std::vector<store::DeliveryUpdate>& updates) {
  auto applied = store_->recordDeliveries(updates, options_.owner);
  if (applied.ok() || !isPermanentFailure(applied.status())) return applied.status();
  if (updates.size() > 1) {
    for (const store::DeliveryUpdate& u : updates) {
      RENKEI_RETURN_IF_ERROR(recordDeliveriesIsolated({u}));
    }
    return Status::okStatus();
  }
  // This result cannot be stored (e.g. a response the database refuses): a dead letter that says
  // so, without the parts that could not be stored.
  const store::DeliveryUpdate& u = updates.at(0);
  store::DeliveryUpdate dead{u.outboxId, store::kDead, 0,
                             "the attempt ended " + u.state +
                                 " but its result could not be stored: " +
                                 applied.status().toString(),
                             ""};
  auto recorded = store_->recordDeliveries({dead}, options_.owner);
  JsonLog::write(LogLevel::Error, "delivery_failed_internal",
                 {{"outbox", std::to_string(u.outboxId)},
                  {"recorded", recorded.ok() ? "yes" : recorded.status().toString()}});
  return recorded.status();
}

int Pipeline::deliverOnce() {
  auto delivered = deliverDue();
  if (!delivered.ok()) {
    JsonLog::write(LogLevel::Warn, "delivery_round_failed",
                   {{"error", delivered.status().toString()}});
    return 0;
  }
  return delivered.value();
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

void Pipeline::start() {
  if (running_.exchange(true)) return;
  // Each loop: one round, then a wait when there was nothing to do. A failed round (an error or
  // an exception) is logged, shown in /healthz and retried after a backoff by SupervisedLoop.
  auto loop = [this](std::string component, Result<int> (Pipeline::*round)()) {
    return std::make_unique<SupervisedLoop>(std::move(component), health(), [this, round] {
      if (!running_) return Status::okStatus();
      Result<int> handled = (this->*round)();
      if (!handled.ok()) return handled.status();
      if (handled.value() == 0) waitForWork();
      return Status::okStatus();
    });
  };
  loops_.push_back(loop("pipeline:router", &Pipeline::routeReceived));
  if (options_.careTeams && router_->usesCareTeams()) {
    loops_.push_back(loop("pipeline:consent", &Pipeline::reviewConsents));
  }
  if (router_->notifies()) {
    loops_.push_back(loop("pipeline:notifications", &Pipeline::sendNotifications));
  }
  for (int i = 0; i < options_.deliveryWorkers; ++i) {
    loops_.push_back(loop("pipeline:delivery-" + std::to_string(i + 1), &Pipeline::deliverDue));
  }
  for (auto& l : loops_) l->start();
}

void Pipeline::stop() {
  if (!running_.exchange(false)) return;
  for (auto& l : loops_) l->requestStop();
  wake_.notify_all();
  for (auto& l : loops_) l->join();
  loops_.clear();
}

}  // namespace renkei::pipeline

// The delivery loop's round: claim due outbox rows, hand each destination's rows to its sink as
// one batch, and record what happened to every row.
#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>

#include <Poco/Exception.h>

#include "renkei/core/json_log.h"
#include "renkei/core/supervised_loop.h"
#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/pipeline.h"

namespace renkei::pipeline {
namespace {

/// What a sink's exception means: a programming error (std::logic_error, Poco::LogicException,
/// anything that is not a std::exception) is a dead letter with the reason, any other exception a
/// transient failure to retry. Called inside a catch block.
DeliveryResult resultOfException() {
  const std::string what = describeCurrentException();
  try {
    throw;
  } catch (const std::logic_error&) {
  } catch (const Poco::LogicException&) {
  } catch (const std::exception&) {
    return {Outcome::Retry, "the sink failed (" + what + ")", "", {}};
  } catch (...) {
  }
  return {Outcome::Reject, "the sink failed with a programming error (" + what + ")", "", {}};
}

/// Calls a sink, which must not throw. If a batch throws anyway, its requests are delivered one
/// by one (a request delivered twice carries the same idempotency key), so that only the request
/// that throws is affected.
std::vector<DeliveryResult> deliverGuarded(Sink& sink, const std::vector<DeliveryRequest>& requests) {
  try {
    std::vector<DeliveryResult> results = sink.deliverBatch(requests);
    if (results.size() == requests.size()) return results;
  } catch (...) {
    if (requests.size() == 1) return {resultOfException()};
  }
  std::vector<DeliveryResult> results;
  results.reserve(requests.size());
  for (const DeliveryRequest& request : requests) {
    try {
      results.push_back(sink.deliver(request));
    } catch (...) {
      results.push_back(resultOfException());
    }
  }
  return results;
}

}  // namespace

store::DeliveryUpdate Pipeline::deliveryUpdate(const store::OutboxRow& row, const DeliveryResult& result,
                                               int64_t finishedMs) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  store::DeliveryUpdate u;
  u.outboxId = row.id;
  u.lastError = result.outcome == Outcome::Delivered ? "" : result.detail;
  u.responseBody = result.responseBody.substr(0, 64 * 1024);
  switch (result.outcome) {
    case Outcome::Delivered:
      u.state = store::kSent;
      u.nextAttemptMs = finishedMs;
      metrics_->countDelivery(row.destination, "delivered");
      metrics_->observeLatency(row.destination,
                               static_cast<double>(finishedMs - row.receivedMs) / 1000.0);
      break;
    case Outcome::Retry:
      if (options_.retry.exhausted(row.attempts)) {
        u.state = store::kDead;
        u.nextAttemptMs = finishedMs;
        u.lastError += " (gave up after " + std::to_string(row.attempts) + " attempts)";
        metrics_->countDelivery(row.destination, "dead");
      } else {
        u.state = store::kRetrying;
        const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
        u.nextAttemptMs = finishedMs + options_.retry.delayMs(row.attempts, result.retryAfterMs, unit);
        metrics_->countDelivery(row.destination, "retry");
      }
      break;
    case Outcome::Reject:
      u.state = store::kDead;
      u.nextAttemptMs = finishedMs;
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

void Pipeline::deliverToOneSink(const std::vector<store::OutboxRow>& rows,
                                const std::vector<std::size_t>& picked,
                                std::vector<store::DeliveryUpdate>& updates) {
  const std::string& destination = rows[picked.front()].destination;
  auto sink = sinks_.find(destination);
  const int64_t started = clock_();
  std::vector<fhir::ReadResult> documents;
  documents.reserve(picked.size());
  std::vector<DeliveryRequest> requests;
  std::vector<std::size_t> requested;
  for (std::size_t i : picked) {
    const store::OutboxRow& row = rows[i];
    if (sink == sinks_.end()) {
      updates[i] = deliveryUpdate(row, {Outcome::Reject, "destination '" + destination + "' is not configured", "", {}}, started);
      continue;
    }
    documents.push_back(fhir::readResource(row.canonical, fhir::SourceFormat::Json));
    const fhir::ReadResult& read = documents.back();
    if (!read.ok()) {
      updates[i] = deliveryUpdate(
          row, {Outcome::Reject, "stored canonical message unreadable: " + read.status.message(), "", {}}, started);
      continue;
    }
    requests.push_back({row.id, row.messageId, row.idempotencyKey, read.document->text(), read.document->root(),
                        row.sender, row.writeIntent, row.recipient});
    requested.push_back(i);
  }
  if (requests.empty()) return;
  const std::vector<DeliveryResult> results = deliverGuarded(*sink->second, requests);
  const int64_t finished = clock_();
  // The batch's time, shared by its attempts.
  const double seconds = static_cast<double>(finished - started) / 1000.0 / static_cast<double>(requests.size());
  for (std::size_t k = 0; k < requested.size(); ++k) {
    metrics_->observeAttempt(destination, seconds);
    updates[requested[k]] = deliveryUpdate(rows[requested[k]], results[k], finished);
  }
}

Result<int> Pipeline::deliverDue() {
  auto claimed = store_->claimDeliveries(options_.owner, options_.batchSize, clock_(),
                                         options_.leaseMs);
  if (!claimed.ok()) return claimed.status();
  const std::vector<store::OutboxRow>& rows = claimed.value();
  if (rows.empty()) return 0;
  std::vector<store::DeliveryUpdate> updates(rows.size());
  // Each destination's rows go to its sink together, in the order they were claimed.
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows[a].destination < rows[b].destination; });
  for (std::size_t from = 0; from < order.size();) {
    std::size_t to = from;
    std::vector<std::size_t> picked;
    while (to < order.size() && rows[order[to]].destination == rows[order[from]].destination) {
      picked.push_back(order[to++]);
    }
    try {
      deliverToOneSink(rows, picked, updates);
    } catch (...) {
      for (std::size_t i : picked) {
        if (updates[i].outboxId != 0) continue;
        updates[i] = {rows[i].id, store::kDead, 0,
                      "the delivery failed with an internal error (" + describeCurrentException() + ")", ""};
      }
    }
    from = to;
  }
  RENKEI_RETURN_IF_ERROR(recordDeliveriesIsolated(updates));
  return static_cast<int>(updates.size());
}

}  // namespace renkei::pipeline

// rest_hook sink: reads the subscription a delivery is for, picks the resources that met its
// criteria, and calls its endpoint over POCO HTTP(S). POCO exceptions stop here.
#include "rest_hook_sink.h"

#include <algorithm>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "renkei/fhir/resource_reader.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/pipeline/resource_ids.h"
#include "renkei/pipeline/subscriptions.h"
#include "renkei/pipeline/write_intent.h"

namespace renkei::embedded {
extern const std::string_view kRestHookSinkSchema;
}

namespace renkei::adapters {
namespace {

using pipeline::DeliveryResult;
using pipeline::Outcome;

/// One HTTP request to a subscriber.
struct Call {
  std::string method, url, body;
};

class RestHookSink : public pipeline::Sink {
 public:
  RestHookSink(std::shared_ptr<store::Store> store,
               std::shared_ptr<const pipeline::SubscriptionPolicy> policy, int64_t timeoutMs,
               const std::string& caFile, bool verify)
      : store_(std::move(store)), policy_(std::move(policy)), timeoutMs_(timeoutMs) {
    context_ = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", caFile,
        verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9,
        caFile.empty());
  }

  bool deliversDeletions() const override { return true; }

  DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    const std::optional<pipeline::SubscriptionRecipient> recipient =
        pipeline::readSubscriptionRecipient(request.recipient);
    if (!recipient) return {Outcome::Reject, "not a subscription's delivery", "", {}};
    auto subscription = currentSubscription(*recipient);
    if (!subscription.ok()) {
      const bool transient = subscription.status().code() == StatusCode::Unavailable;
      return {transient ? Outcome::Retry : Outcome::Reject, subscription.status().message(), "", {}};
    }
    auto calls = callsFor(request, *recipient, subscription.value());
    if (!calls.ok()) return {Outcome::Reject, calls.status().message(), "", {}};
    DeliveryResult last{Outcome::Delivered, "nothing to send", "", {}};
    for (const Call& call : calls.value()) {
      last = send(call, subscription.value(), request.idempotencyKey);
      if (last.outcome != Outcome::Delivered) return last;
    }
    return last;
  }

 private:
  /// The subscription as it is now: nothing is sent for one turned off, deleted or refused.
  Result<pipeline::Subscription> currentSubscription(const pipeline::SubscriptionRecipient& r) {
    const std::string what = "Subscription/" + r.subscription;
    auto stored = store_->resource("Subscription", r.subscription,
                                   store::ReadScope{r.organization, {}}, 0);
    if (!stored.ok()) return Status::unavailable("the store is unavailable: " + stored.status().message());
    if (!stored.value() || stored.value()->content.empty()) {
      return Status::notFound(what + " no longer exists: nothing sent");
    }
    fhir::ReadResult read = fhir::readResource(stored.value()->content, fhir::SourceFormat::Json);
    if (!read.ok()) return Status::invalidInput(what + " does not parse: nothing sent");
    auto s = pipeline::readSubscription(*read.document->root(), r.organization, *policy_,
                                        pipeline::systemNowMs());
    if (!s.ok()) return Status::invalidInput(what + ": " + s.status().message() + ": nothing sent");
    if (!s.value().active) return Status::invalidInput(what + " is off or ended: nothing sent");
    return s;
  }

  /// [endpoint]/tail, keeping the endpoint's query string after the path.
  static std::string joined(const std::string& endpoint, const std::string& tail) {
    const std::size_t question = endpoint.find('?');
    std::string base = endpoint.substr(0, question);
    if (base.empty() || base.back() != '/') base += '/';
    return base + tail + (question == std::string::npos ? "" : endpoint.substr(question));
  }

  /// The requests a rest-hook notification makes (see rest_hook_sink.h).
  static Result<std::vector<Call>> callsFor(const pipeline::DeliveryRequest& request,
                                            const pipeline::SubscriptionRecipient& recipient,
                                            const pipeline::Subscription& s) {
    const pipeline::WriteIntent intent = pipeline::decodeWriteIntent(request.writeIntent);
    if (s.payload.empty()) return std::vector<Call>{{"POST", s.endpoint, ""}};
    if (intent.deletion) {
      return std::vector<Call>{
          {"DELETE", joined(s.endpoint, intent.updateType + "/" + intent.updateId), ""}};
    }
    auto resources = pipeline::identifyResources(request.canonicalJson,
                                                 {"", request.messageId, ""}, intent);
    if (!resources.ok()) return resources.status();
    const std::vector<pipeline::CarriedResource> carried =
        pipeline::carriedResources(resources.value());
    std::vector<Call> calls;
    for (const std::string& path : recipient.paths) {
      auto r = std::find_if(carried.begin(), carried.end(),
                            [&](const pipeline::CarriedResource& c) { return c.path == path; });
      if (r == carried.end()) return Status::invalidInput("the message has no resource " + path);
      calls.push_back({"PUT", joined(s.endpoint, r->type + "/" + r->id), r->json});
    }
    return calls;
  }

  DeliveryResult send(const Call& call, const pipeline::Subscription& s, const std::string& key) {
    try {
      const Poco::URI uri(call.url);
      std::unique_ptr<Poco::Net::HTTPClientSession> session;
      if (uri.getScheme() == "https") {
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                  context_);
      } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
      }
      const Poco::Timespan timeout(timeoutMs_ * 1000);
      session->setTimeout(timeout, timeout, timeout);
      Poco::Net::HTTPRequest req(call.method, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
      for (const std::string& line : s.headers) {
        const std::size_t colon = line.find(':');
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        req.set(line.substr(0, colon), value);
      }
      if (!call.body.empty()) req.setContentType("application/fhir+json; charset=utf-8");
      req.set("X-Request-Id", key);
      req.setContentLength(static_cast<std::streamsize>(call.body.size()));
      std::ostream& out = session->sendRequest(req);
      out << call.body;
      Poco::Net::HTTPResponse res;
      std::istream& in = session->receiveResponse(res);
      std::string responseBody;
      Poco::StreamCopier::copyToString(in, responseBody);
      const int status = static_cast<int>(res.getStatus());
      DeliveryResult result;
      result.outcome = pipeline::classifyHttpStatus(status);
      result.detail = call.method + " HTTP " + std::to_string(status);
      if (result.outcome != Outcome::Delivered) result.responseBody = responseBody.substr(0, 4096);
      return result;
    } catch (const Poco::TimeoutException& e) {
      return {Outcome::Retry, "timeout: " + e.displayText(), "", {}};
    } catch (const Poco::Exception& e) {
      return {Outcome::Retry, "network: " + e.displayText(), "", {}};
    } catch (const std::exception& e) {
      return {Outcome::Retry, std::string("network: ") + e.what(), "", {}};
    }
  }

  std::shared_ptr<store::Store> store_;
  std::shared_ptr<const pipeline::SubscriptionPolicy> policy_;
  int64_t timeoutMs_;
  Poco::Net::Context::Ptr context_;
};

}  // namespace

void registerRestHookSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "rest_hook", embedded::kRestHookSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        if (!ctx.store || !ctx.subscriptions) {
          return Status::invalidInput("sink " + ctx.name +
                                      ": rest_hook is made from the subscriptions section");
        }
        const rapidjson::Value& c = *ctx.config;
        std::string caFile;
        bool verify = true;
        auto t = c.FindMember("tls");
        if (t != c.MemberEnd()) {
          caFile = pipeline::configString(t->value, "ca_file");
          verify = pipeline::configBool(t->value, "verify", true);
        }
        try {
          return std::shared_ptr<pipeline::Sink>(std::make_shared<RestHookSink>(
              ctx.store, ctx.subscriptions, pipeline::configInt(c, "timeout_ms", 10000), caFile,
              verify));
        } catch (const Poco::Exception& e) {
          return Status::invalidInput("sink " + ctx.name + ": " + e.displayText());
        }
      });
}

}  // namespace renkei::adapters

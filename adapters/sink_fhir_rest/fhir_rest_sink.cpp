// fhir_rest sink: POCO HTTP(S) client sessions kept alive per worker thread, status
// classification, Retry-After, bearer tokens and TLS options. POCO exceptions stop here.
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "fhir_rest_sink.h"
#include "renkei/pipeline/deletion.h"

namespace renkei::embedded {
extern const std::string_view kFhirRestSinkSchema;
}

namespace renkei::adapters {
namespace {

using pipeline::DeliveryResult;
using pipeline::Outcome;

struct TlsOptions {
  std::string caFile, certFile, keyFile;
  bool verify = true;
};

class FhirRestSink : public pipeline::Sink {
 public:
  FhirRestSink(Poco::URI base, bool transaction, int64_t timeoutMs, std::string token,
               const TlsOptions& tls)
      : base_(std::move(base)), transaction_(transaction), timeoutMs_(timeoutMs),
        token_(std::move(token)) {
    if (base_.getScheme() == "https") {
      context_ = new Poco::Net::Context(
          Poco::Net::Context::TLS_CLIENT_USE, tls.keyFile, tls.certFile, tls.caFile,
          tls.verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9,
          tls.caFile.empty());
    }
  }

  bool deliversDeletions() const override { return true; }

  DeliveryResult deliver(const pipeline::DeliveryRequest& request) override {
    std::string body;
    std::string path = base_.getPath();
    if (path.empty() || path.back() != '/') path += '/';
    std::string method = Poco::Net::HTTPRequest::HTTP_POST;
    const std::string type(request.root->resourceType);
    const pipeline::WriteIntent written = pipeline::decodeWriteIntent(request.writeIntent);
    if (written.deletion) {
      // The receiver knows a client-named resource by the id every delivery of it had.
      const std::string what = written.updateType + "/" + written.updateId;
      if (pipeline::isMessageResourceId(written.updateId)) {
        return {Outcome::Reject,
                what + " had a server-assigned id: the receiver named its copy after the delivery "
                       "that carried it; delete it there by hand",
                "", {}};
      }
      const std::string id =
          pipeline::deterministicId(senderNamespace(request.sender), what);
      if (transaction_) {
        body = pipeline::deletionBundle(written.updateType, id);
        path.pop_back();
      } else {
        method = Poco::Net::HTTPRequest::HTTP_DELETE;
        path += written.updateType + "/" + id;
      }
    } else if (transaction_) {
      auto bundle = transactionBundle(request.canonicalJson, request.idempotencyKey, request.sender,
                                      request.writeIntent);
      if (!bundle.ok()) return {Outcome::Reject, bundle.status().message(), "", {}};
      body = std::move(bundle).value();
      path.pop_back();
    } else {
      // An update names its resource: every delivery of it goes to one receiver resource.
      const std::string id =
          written.isUpdate() ? pipeline::deterministicId(senderNamespace(request.sender),
                                                         type + "/" + written.updateId)
                            : pipeline::deterministicId(request.idempotencyKey, type);
      auto withId = resourceWithId(request.canonicalJson, id);
      if (!withId.ok()) return {Outcome::Reject, withId.status().message(), "", {}};
      body = std::move(withId).value();
      path += type + "/" + id;
      method = Poco::Net::HTTPRequest::HTTP_PUT;
    }
    try {
      return send(method, path, body, request.idempotencyKey);
    } catch (const Poco::TimeoutException& e) {
      dropSession();
      return {Outcome::Retry, "timeout: " + e.displayText(), "", {}};
    } catch (const Poco::Exception& e) {
      dropSession();
      return {Outcome::Retry, "network: " + e.displayText(), "", {}};
    } catch (const std::exception& e) {
      dropSession();
      return {Outcome::Retry, std::string("network: ") + e.what(), "", {}};
    }
  }

 private:
  Poco::Net::HTTPClientSession& session() {
    std::lock_guard lock(mutex_);
    auto& s = sessions_[std::this_thread::get_id()];
    if (!s) {
      if (context_) {
        s = std::make_unique<Poco::Net::HTTPSClientSession>(base_.getHost(), base_.getPort(),
                                                             context_);
      } else {
        s = std::make_unique<Poco::Net::HTTPClientSession>(base_.getHost(), base_.getPort());
      }
      const Poco::Timespan timeout(timeoutMs_ * 1000);
      s->setTimeout(timeout, timeout, timeout);
      s->setKeepAlive(true);
    }
    return *s;
  }

  void dropSession() {
    std::lock_guard lock(mutex_);
    sessions_.erase(std::this_thread::get_id());
  }

  DeliveryResult send(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& key) {
    Poco::Net::HTTPClientSession& s = session();
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/fhir+json; charset=utf-8");
    req.set("Accept", "application/fhir+json");
    req.set("Idempotency-Key", key);
    req.set("X-Request-Id", key);
    if (!token_.empty()) req.set("Authorization", "Bearer " + token_);
    req.setContentLength(static_cast<std::streamsize>(body.size()));
    req.setKeepAlive(true);
    std::ostream& out = s.sendRequest(req);
    // Headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm and the
    // receiver's delayed ACK add ~40 ms to every request.
    s.socket().setNoDelay(true);
    out << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = s.receiveResponse(res);
    std::string responseBody;
    Poco::StreamCopier::copyToString(in, responseBody);
    const int status = static_cast<int>(res.getStatus());
    DeliveryResult result;
    result.outcome = pipeline::classifyHttpStatus(status);
    result.detail = "HTTP " + std::to_string(status);
    if (result.outcome != Outcome::Delivered) result.responseBody = responseBody;
    if (res.has("Retry-After")) {
      try {
        result.retryAfterMs = std::stoll(res.get("Retry-After")) * 1000;
      } catch (const std::exception&) {
        // An HTTP-date Retry-After falls back to the policy's own backoff.
      }
    }
    if (!res.getKeepAlive()) dropSession();
    return result;
  }

  Poco::URI base_;
  bool transaction_;
  int64_t timeoutMs_;
  std::string token_;
  Poco::Net::Context::Ptr context_;
  std::mutex mutex_;
  std::map<std::thread::id, std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;
};

Result<std::string> readToken(const rapidjson::Value& config) {
  std::string token = pipeline::configString(config, "bearer_token");
  const std::string file = pipeline::configString(config, "bearer_token_file");
  if (file.empty()) return token;
  std::ifstream in(file);
  if (!in) return Status::unavailable("cannot read bearer_token_file " + file);
  std::getline(in, token);
  return token;
}

}  // namespace

void registerFhirRestSink(pipeline::AdapterRegistry& registry) {
  registry.addSink(
      "fhir_rest", embedded::kFhirRestSinkSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Sink>> {
        const rapidjson::Value& c = *ctx.config;
        auto token = readToken(c);
        if (!token.ok()) return token.status();
        TlsOptions tls;
        auto t = c.FindMember("tls");
        if (t != c.MemberEnd()) {
          tls.caFile = pipeline::configString(t->value, "ca_file");
          tls.certFile = pipeline::configString(t->value, "cert_file");
          tls.keyFile = pipeline::configString(t->value, "key_file");
          tls.verify = pipeline::configBool(t->value, "verify", true);
        }
        try {
          return std::shared_ptr<pipeline::Sink>(std::make_shared<FhirRestSink>(
              Poco::URI(pipeline::configString(c, "base_url")),
              pipeline::configString(c, "mode", "transaction") == "transaction",
              pipeline::configInt(c, "timeout_ms", 10000), std::move(token).value(), tls));
        } catch (const Poco::Exception& e) {
          return Status::invalidInput("sink " + ctx.name + ": " + e.displayText());
        }
      });
}

}  // namespace renkei::adapters

// fhir_http source: server set-up, request reading with the size cap, response writing.
#include "fhir_http_source.h"

#include <chrono>
#include <thread>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include "fhir_api.h"
#include "renkei/core/json_log.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/pipeline/group_commit_intake.h"

namespace renkei::embedded {
extern const std::string_view kFhirHttpSourceSchema;
}

namespace renkei::adapters {
namespace {

struct ServerOptions {
  std::string listen;
  bool plain = false;
  std::string certFile, keyFile, caFile;
  bool requireClientCert = false;
  bool askClientCert = false;  ///< some clients authenticate by certificate: ask, verify if sent
  int64_t maxRequestBytes = 32 << 20;
  int threads = 8;
  int queue = 64;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The SHA-256 fingerprint (hex) of the client certificate the TLS handshake verified, or "".
std::string peerCertificateSha256(Poco::Net::HTTPServerRequest& req) {
  try {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req);
    if (impl == nullptr) return "";
    Poco::Net::SecureStreamSocket socket(impl->socket());
    if (!socket.havePeerCertificate()) return "";
    return Poco::DigestEngine::digestToHex(socket.peerCertificate().fingerprint("SHA256"));
  } catch (const Poco::Exception&) {
    return "";
  }
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(const FhirApi& api, int64_t maxBytes, bool secure, bool certificateClients)
      : api_(api), maxBytes_(maxBytes), secure_(secure), certificateClients_(certificateClients) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    ApiResponse response;
    try {
      response = serve(req);
    } catch (const Poco::Exception& e) {
      response = outcomeResponse(400, "error", "invalid", "the request could not be read");
    }
    for (const auto& [name, value] : response.headers) res.set(name, value);
    res.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
    res.setContentType(response.contentType);
    res.setContentLength(static_cast<std::streamsize>(response.body.size()));
    res.send() << response.body;
  }

 private:
  ApiResponse serve(Poco::Net::HTTPServerRequest& req) {
    if (req.hasContentLength() && req.getContentLength64() > maxBytes_) {
      return outcomeResponse(413, "error", "too-costly",
                             "the request is larger than " + std::to_string(maxBytes_) + " bytes");
    }
    ApiRequest request;
    request.method = req.getMethod();
    const std::string& uri = req.getURI();
    const std::size_t q = uri.find('?');
    request.path = uri.substr(0, q);
    if (q != std::string::npos) request.query = uri.substr(q + 1);
    for (const auto& [name, value] : req) request.headers[lower(name)] = value;
    if (req.has("Host")) request.origin = std::string(secure_ ? "https://" : "http://") + req.get("Host");
    // The certificate identifies a client only when some client is registered by one and the
    // request carries no token: no certificate work on the token-authenticated hot path.
    if (secure_ && certificateClients_ && !req.has("Authorization")) {
      request.clientCertificateSha256 = peerCertificateSha256(req);
    }
    std::istream& in = req.stream();
    char buffer[16384];
    while (in) {
      in.read(buffer, sizeof buffer);
      request.body.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (static_cast<int64_t>(request.body.size()) > maxBytes_) {
        return outcomeResponse(413, "error", "too-costly",
                               "the request is larger than " + std::to_string(maxBytes_) + " bytes");
      }
    }
    return api_.handle(request);
  }

  const FhirApi& api_;
  int64_t maxBytes_;
  bool secure_;
  bool certificateClients_;
};

class ApiHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  ApiHandlerFactory(const FhirApi& api, int64_t maxBytes, bool secure, bool certificateClients)
      : api_(api), maxBytes_(maxBytes), secure_(secure), certificateClients_(certificateClients) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    // owned and deleted by POCO
    return new ApiHandler(api_, maxBytes_, secure_, certificateClients_);
  }

 private:
  const FhirApi& api_;
  int64_t maxBytes_;
  bool secure_;
  bool certificateClients_;
};

class FhirHttpSource : public pipeline::Source {
 public:
  FhirHttpSource(std::string name, ServerOptions options,
                 std::unique_ptr<pipeline::GroupCommitIntake> intake,
                 std::unique_ptr<AuditTrail> audit, std::unique_ptr<FhirApi> api)
      : name_(std::move(name)),
        options_(std::move(options)),
        intake_(std::move(intake)),
        audit_(std::move(audit)),
        api_(std::move(api)) {}
  ~FhirHttpSource() override { stop(); }

  Status start() override {
    try {
      const Poco::Net::SocketAddress address(options_.listen);
      std::unique_ptr<Poco::Net::ServerSocket> socket;
      if (options_.plain) {
        socket = std::make_unique<Poco::Net::ServerSocket>();
      } else {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_SERVER_USE, options_.keyFile, options_.certFile,
            options_.caFile,
            options_.requireClientCert   ? Poco::Net::Context::VERIFY_STRICT
            : options_.askClientCert ? Poco::Net::Context::VERIFY_RELAXED
                                     : Poco::Net::Context::VERIFY_NONE);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        // Client certificates identify organizations, not hosts: no name check against the peer.
        context->enableExtendedCertificateVerification(false);
        socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
      }
      // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT (POCO's default): a second
      // listener on the same port must fail, not silently share its connections.
      socket->bind(address, true, false);
      socket->listen(options_.queue);
      port_ = socket->address().port();
      auto* params = new Poco::Net::HTTPServerParams;  // reference-counted by POCO
      params->setMaxThreads(options_.threads);
      params->setMaxQueued(options_.queue);
      params->setKeepAlive(true);
      // An own thread pool: POCO's default pool is shared by every server in the process, and
      // one endpoint's keep-alive connections must not starve another endpoint or /metrics.
      pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads);
      server_ = std::make_unique<Poco::Net::HTTPServer>(
          new ApiHandlerFactory(*api_, options_.maxRequestBytes, !options_.plain,
                                options_.askClientCert),
          *pool_, *socket,
          params);
      server_->start();
    } catch (const Poco::Exception& e) {
      return Status::unavailable("source " + name_ + ": cannot listen on " + options_.listen +
                                 ": " + e.displayText());
    }
    JsonLog::write(LogLevel::Info, "fhir_endpoint_listening",
                   {{"source", name_}, {"port", std::to_string(port_)},
                    {"tls", options_.plain ? "off" : "on"}});
    return Status::okStatus();
  }

  void stop() override {
    if (!server_) return;
    server_->stop();  // no new connections; requests in progress finish
    for (int i = 0; i < 100 && server_->currentConnections() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    server_->stopAll(true);
    server_.reset();
    audit_->flush();
  }

 private:
  std::string name_;
  ServerOptions options_;
  std::unique_ptr<pipeline::GroupCommitIntake> intake_;  ///< outlives the server's requests
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<FhirApi> api_;
  std::unique_ptr<Poco::ThreadPool> pool_;  ///< declared before server_: outlives it
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace

void registerFhirHttpSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "fhir_http", embedded::kFhirHttpSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        const rapidjson::Value& c = *ctx.config;
        ServerOptions o;
        o.listen = pipeline::configString(c, "listen");
        o.plain = pipeline::configBool(c, "plain_http", false);
        auto tls = c.FindMember("tls");
        if (tls != c.MemberEnd()) {
          o.certFile = pipeline::configString(tls->value, "cert_file");
          o.keyFile = pipeline::configString(tls->value, "key_file");
          o.caFile = pipeline::configString(tls->value, "ca_file");
          o.requireClientCert = pipeline::configBool(tls->value, "require_client_cert", false);
          o.plain = false;
        }
        o.maxRequestBytes = pipeline::configInt(c, "max_request_bytes", o.maxRequestBytes);
        o.threads = static_cast<int>(pipeline::configInt(c, "threads", o.threads));
        o.queue = static_cast<int>(pipeline::configInt(c, "queue", o.queue));
        // Requests arrive one per thread: group-commit them so that concurrent requests share
        // one intake and one routing transaction.
        auto intake = std::make_unique<pipeline::GroupCommitIntake>(*ctx.intake,
                                                                    static_cast<std::size_t>(o.threads) * 4);
        std::shared_ptr<const ApiClients> clients;
        try {
          clients = std::make_shared<const ApiClients>(c["clients"]);
        } catch (const Poco::Exception& e) {
          return Status::invalidInput("source " + ctx.name + ": " + e.displayText());
        }
        if (clients->anyCertificateClients()) {
          if (o.plain || o.caFile.empty()) {
            return Status::invalidInput("source " + ctx.name +
                                        ": clients with certificate_sha256 need tls.ca_file to "
                                        "verify their certificates");
          }
          o.askClientCert = true;
        }
        Recipients recipients;
        auto r = c.FindMember("recipients");
        if (r != c.MemberEnd()) {
          for (const auto& [organization, destinations] : r->value.GetObject()) {
            for (const auto& d : destinations.GetArray()) {
              recipients[organization.GetString()].emplace_back(d.GetString());
            }
          }
        }
        auto audit = std::make_unique<AuditTrail>(ctx.store);
        auto api = std::make_unique<FhirApi>(
            ctx.name, pipeline::configString(c, "base", "/fhir"),
            clients, ctx.definitions,
            fhirpath::makeValidator(ctx.definitions), intake.get(), ctx.store, audit.get(),
            pipeline::configBool(c, "keep_resources", true), std::move(recipients));
        return std::shared_ptr<pipeline::Source>(std::make_shared<FhirHttpSource>(
            ctx.name, std::move(o), std::move(intake), std::move(audit), std::move(api)));
      });
}

}  // namespace renkei::adapters

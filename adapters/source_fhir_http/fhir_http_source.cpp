// fhir_http source: the hospitals' FHIR endpoint on the event-driven HTTP server. Requests are
// authenticated from their headers before any body byte is read (a refused upload costs no
// worker and no memory), then handed whole to FhirApi on a worker.
#include "fhir_http_source.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>

#include "renkei/fhir_api/fhir_api.h"
#include "renkei/core/json_log.h"
#include "renkei/fhirpath/invariants.h"
#include "renkei/net/http_server.h"
#include "renkei/net/server_tls.h"
#include "renkei/pipeline/group_commit_intake.h"

namespace renkei::embedded {
extern const std::string_view kFhirHttpSourceSchema;
}

namespace renkei::adapters {
namespace {

using fhir_api::ApiClients;
using fhir_api::ApiRequest;
using fhir_api::ApiResponse;
using fhir_api::AuditTrail;
using fhir_api::FhirApi;
using fhir_api::outcomeResponse;
using fhir_api::Recipients;

struct ServerOptions {
  net::HttpServerOptions http;
  bool plain = false;
  std::string certFile, keyFile, caFile;
  bool requireClientCert = false;
  bool askClientCert = false;  ///< some clients authenticate by certificate: ask, verify if sent
  std::string publicUrl;       ///< scheme://host[:port] for absolute URLs; "" derives it from listen
};

/// The API seen from the HTTP server: admission from the headers, then the whole request.
class ApiHttpHandler : public net::HttpHandler {
 public:
  explicit ApiHttpHandler(const FhirApi& api) : api_(api) {}

  Admission admit(net::HttpRequest& head) override {
    Admission admission;
    ApiRequest request = toApiRequest(head);
    if (auto refused = api_.admit(request)) {
      admission.answer = toHttp(std::move(*refused));
    } else {
      admission.authenticated = request.client != nullptr;
    }
    return admission;
  }

  net::HttpResponse handle(net::HttpRequest& http) override {
    ApiRequest request = toApiRequest(http);
    request.body = std::move(http.body);
    return toHttp(api_.handle(request));
  }

  net::HttpResponse errorResponse(int status, const std::string& text) override {
    return toHttp(outcomeResponse(status, "error", status == 408 ? "timeout"
                                                   : status == 413 ? "too-costly"
                                                   : status == 503 ? "transient"
                                                                   : "invalid",
                                  text));
  }

 private:
  static ApiRequest toApiRequest(const net::HttpRequest& http) {
    ApiRequest request;
    request.method = http.method;
    request.path = http.path;
    request.query = http.query;
    for (const auto& [name, value] : http.headers) request.headers.emplace(name, value);
    request.clientCertificateSha256 = http.clientCertificateSha256;
    return request;
  }

  static net::HttpResponse toHttp(ApiResponse response) {
    net::HttpResponse http;
    http.status = response.status;
    http.headers.assign(response.headers.begin(), response.headers.end());
    http.body = std::move(response.body);
    http.contentType = std::move(response.contentType);
    return http;
  }

  const FhirApi& api_;
};

/// The endpoint's connection counters in the Prometheus text format.
std::string renderServerStats(const std::string& source, const net::HttpServerStats& s) {
  const std::string l = "{source=\"" + source + "\"";
  std::string out =
      "# HELP renkei_http_connections Open connections of an HTTP endpoint.\n"
      "# TYPE renkei_http_connections gauge\n"
      "renkei_http_connections" + l + "} " + std::to_string(s.connectionsOpen.load()) + "\n" +
      "# HELP renkei_http_requests_total Requests read completely and given to the workers.\n"
      "# TYPE renkei_http_requests_total counter\n"
      "renkei_http_requests_total" + l + "} " + std::to_string(s.requests.load()) + "\n" +
      "# HELP renkei_http_connections_total Connections by how they ended or were refused.\n"
      "# TYPE renkei_http_connections_total counter\n";
  const std::pair<const char*, int64_t> rows[] = {
      {"accepted", s.connectionsAccepted.load()},  {"refused_per_address", s.refusedPerAddress.load()},
      {"refused_full", s.refusedFull.load()},      {"evicted", s.evicted.load()},
      {"timed_out", s.timedOut.load()},            {"rejected_before_body", s.rejectedEarly.load()},
      {"malformed", s.malformed.load()},           {"queue_full", s.queueFull.load()}};
  for (const auto& [outcome, n] : rows) {
    out += "renkei_http_connections_total" + l + ",outcome=\"" + outcome + "\"} " +
           std::to_string(n) + "\n";
  }
  return out;
}

/// scheme://host:port from the listen address, with the machine's name for a wildcard host.
std::string derivedPublicUrl(const std::string& listen, int port, bool secure) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") {
    host = Poco::Net::DNS::hostName();
  }
  return std::string(secure ? "https://" : "http://") + host + ":" + std::to_string(port);
}

class FhirHttpSource : public pipeline::Source {
 public:
  FhirHttpSource(std::string name, ServerOptions options,
                 std::unique_ptr<pipeline::GroupCommitIntake> intake,
                 std::unique_ptr<AuditTrail> audit, std::unique_ptr<FhirApi> api)
      : name_(std::move(name)),
        options_(std::move(options)),
        intake_(std::move(intake)),
        audit_(std::move(audit)),
        api_(std::move(api)),
        handler_(*api_) {}
  ~FhirHttpSource() override { stop(); }

  Status start() override {
    if (!options_.plain) {
      auto context = net::serverTlsContext(
          {options_.certFile, options_.keyFile, options_.caFile,
           options_.requireClientCert ? net::ClientCertificates::Require
           : options_.askClientCert   ? net::ClientCertificates::Ask
                                      : net::ClientCertificates::None,
           "renkei-" + name_});
      if (!context.ok()) return Status::unavailable("source " + name_ + ": " + context.status().message());
      context_ = context.value();
      options_.http.tls = context_->sslContext();
    }
    server_ = std::make_unique<net::HttpServer>(options_.http, handler_);
    if (Status s = server_->start(); !s.ok()) {
      server_.reset();
      return Status::unavailable("source " + name_ + ": " + s.message());
    }
    api_->setPublicUrl(options_.publicUrl.empty()
                           ? derivedPublicUrl(options_.http.listen, server_->port(), !options_.plain)
                           : options_.publicUrl);
    JsonLog::write(LogLevel::Info, "fhir_endpoint_listening",
                   {{"source", name_}, {"port", std::to_string(server_->port())},
                    {"tls", options_.plain ? "off" : "on"}});
    return Status::okStatus();
  }

  void stop() override {
    if (!server_) return;
    server_->stop();  // no new connections; requests already read finish and are answered
    server_.reset();
    (void)audit_->flush();  // a failure is logged; the records stay for the next flush
  }

 private:
  std::string name_;
  ServerOptions options_;
  std::unique_ptr<pipeline::GroupCommitIntake> intake_;  ///< outlives the server's requests
  std::unique_ptr<AuditTrail> audit_;
  std::unique_ptr<FhirApi> api_;
  ApiHttpHandler handler_;
  Poco::Net::Context::Ptr context_;  ///< declared before server_: outlives it
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace

void registerFhirHttpSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "fhir_http", embedded::kFhirHttpSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        const rapidjson::Value& c = *ctx.config;
        ServerOptions o;
        o.http.listen = pipeline::configString(c, "listen");
        o.plain = pipeline::configBool(c, "plain_http", false);
        auto tls = c.FindMember("tls");
        if (tls != c.MemberEnd()) {
          o.certFile = pipeline::configString(tls->value, "cert_file");
          o.keyFile = pipeline::configString(tls->value, "key_file");
          o.caFile = pipeline::configString(tls->value, "ca_file");
          o.requireClientCert = pipeline::configBool(tls->value, "require_client_cert", false);
          o.plain = false;
        }
        net::HttpServerOptions& h = o.http;
        h.limits.maxBodyBytes = pipeline::configInt(c, "max_request_bytes", h.limits.maxBodyBytes);
        h.workers = static_cast<int>(pipeline::configInt(c, "threads", h.workers));
        h.maxQueued = static_cast<int>(pipeline::configInt(c, "queue", h.maxQueued));
        h.maxConnections = static_cast<int>(pipeline::configInt(c, "max_connections", h.maxConnections));
        h.maxConnectionsPerAddress = static_cast<int>(
            pipeline::configInt(c, "max_connections_per_address", h.maxConnectionsPerAddress));
        h.headerTimeoutMs = pipeline::configInt(c, "header_timeout_ms", h.headerTimeoutMs);
        h.requestTimeoutMs = pipeline::configInt(c, "request_timeout_ms", h.requestTimeoutMs);
        h.idleTimeoutMs = pipeline::configInt(c, "idle_timeout_ms", h.idleTimeoutMs);
        h.writeTimeoutMs = pipeline::configInt(c, "write_timeout_ms", h.writeTimeoutMs);
        o.publicUrl = pipeline::configString(c, "public_url");
        h.stats = std::make_shared<net::HttpServerStats>();
        h.component = "source:" + ctx.name;
        if (ctx.metrics) h.health = ctx.metrics->health();
        if (ctx.metrics) {
          ctx.metrics->addCollector(
              [name = ctx.name, stats = h.stats] { return renderServerStats(name, *stats); });
        }
        while (!o.publicUrl.empty() && o.publicUrl.back() == '/') o.publicUrl.pop_back();
        // Requests arrive one per thread: group-commit them so that concurrent requests share
        // one intake and one routing transaction.
        auto intake = std::make_unique<pipeline::GroupCommitIntake>(*ctx.intake,
                                                                    static_cast<std::size_t>(h.workers) * 4);
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
        auto audit = std::make_unique<AuditTrail>(ctx.store, h.health, h.component + ":audit");
        auto api = std::make_unique<FhirApi>(
            ctx.name, pipeline::configString(c, "base", "/fhir"),
            clients, ctx.definitions,
            fhirpath::makeValidator(ctx.definitions), intake.get(), ctx.store, audit.get(),
            pipeline::configBool(c, "keep_resources", true), std::move(recipients));
        api->setSubscriptionPolicy(ctx.subscriptions);
        return std::shared_ptr<pipeline::Source>(std::make_shared<FhirHttpSource>(
            ctx.name, std::move(o), std::move(intake), std::move(audit), std::move(api)));
      });
}

}  // namespace renkei::adapters

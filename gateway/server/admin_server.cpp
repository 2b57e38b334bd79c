// AdminServer: request routing for /metrics and /healthz on POCO's HTTPServer.
#include "admin_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "renkei/core/build_info.h"
#include "renkei/pipeline/pipeline.h"
#include "renkei/fhir/run_copying_writer.h"

namespace renkei::server {
namespace {

using Poco::Net::HTTPResponse;

/// /healthz: {"status": "ok" | "degraded" | "unavailable", "version", "commit", "store": "up" |
/// "down", "store_schema" (the store's, -1 when it does not answer), "components": {name:
/// {"state", "failures", "consecutive_failures", "last_error"}}}.
std::string healthJson(const char* status, int storeSchema,
                       const std::map<std::string, ComponentHealth>& components) {
  rapidjson::StringBuffer buffer;
  renkei::fhir::RunCopyingWriter w(buffer);
  w.StartObject();
  w.Key("status");
  w.String(status);
  w.Key("version");
  w.String(buildVersion().data(), static_cast<rapidjson::SizeType>(buildVersion().size()));
  w.Key("commit");
  w.String(buildCommit().data(), static_cast<rapidjson::SizeType>(buildCommit().size()));
  w.Key("store");
  w.String(storeSchema > 0 ? "up" : "down");
  w.Key("store_schema");
  w.Int(storeSchema);
  w.Key("components");
  w.StartObject();
  for (const auto& [name, c] : components) {
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.StartObject();
    w.Key("state");
    w.String(c.state.c_str(), static_cast<rapidjson::SizeType>(c.state.size()));
    w.Key("failures");
    w.Int64(c.failures);
    w.Key("consecutive_failures");
    w.Int64(c.consecutiveFailures);
    if (!c.lastError.empty()) {
      w.Key("last_error");
      w.String(c.lastError.c_str(), static_cast<rapidjson::SizeType>(c.lastError.size()));
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

/// renkei_build_info: always 1, its labels say what runs (version, commit, store schema).
std::string buildInfoMetric() {
  return "# HELP renkei_build_info The running build: version, commit and the store schema "
         "version it migrates to (always 1).\n"
         "# TYPE renkei_build_info gauge\nrenkei_build_info{version=\"" +
         std::string(buildVersion()) + "\",commit=\"" + std::string(buildCommit()) +
         "\",store_schema=\"" + std::to_string(store::latestSchemaVersion()) + "\"} 1\n";
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(store::Store& store, pipeline::Metrics& metrics) : store_(store), metrics_(metrics) {}

  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    const std::string path = req.getURI().substr(0, req.getURI().find('?'));
    if (req.getMethod() != "GET") {
      reply(res, HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
      return;
    }
    if (path == "/healthz") {
      // 200 only when the store answers and no long-lived loop is failing.
      const int storeSchema = store_.schemaVersion();
      const bool storeUp = storeSchema > 0;
      const auto components = metrics_.health()->snapshot();
      bool failing = false;
      for (const auto& [name, c] : components) failing = failing || c.state == kComponentRestarting;
      const char* status = !storeUp ? "unavailable" : failing ? "degraded" : "ok";
      reply(res, storeUp && !failing ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
            "application/json", healthJson(status, storeSchema, components));
      return;
    }
    if (path == "/metrics") {
      auto stats = store_.queueStats();
      std::string body = metrics_.render(stats.ok() ? stats.value() : std::vector<store::QueueStats>{},
                                         pipeline::systemNowMs());
      body += "# HELP renkei_store_up Whether the store answered this scrape.\n"
              "# TYPE renkei_store_up gauge\nrenkei_store_up " +
              std::string(stats.ok() ? "1" : "0") + "\n" +
              "# HELP renkei_store_commits_total Store transactions committed by this process.\n"
              "# TYPE renkei_store_commits_total counter\nrenkei_store_commits_total " +
              std::to_string(store_.commitCount()) + "\n" + notifications() + buildInfoMetric();
      reply(res, HTTPResponse::HTTP_OK, "text/plain; version=0.0.4", body);
      return;
    }
    reply(res, HTTPResponse::HTTP_NOT_FOUND, "text/plain", "not found\n");
  }

 private:
  std::string notifications() const {
    auto stats = store_.notificationStats();
    return stats.ok() ? metrics_.renderNotifications(stats.value()) : "";
  }

  static void reply(Poco::Net::HTTPServerResponse& res, HTTPResponse::HTTPStatus status,
                    const std::string& type, const std::string& body) {
    res.setStatusAndReason(status);  // "404 Not Found", not setStatus()'s "404 OK"
    res.setContentType(type);
    res.setContentLength(static_cast<std::streamsize>(body.size()));
    res.send() << body;
  }
  store::Store& store_;
  pipeline::Metrics& metrics_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(store::Store& store, pipeline::Metrics& metrics) : store_(store), metrics_(metrics) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(store_, metrics_);  // owned and deleted by POCO
  }

 private:
  store::Store& store_;
  pipeline::Metrics& metrics_;
};

}  // namespace

AdminServer::AdminServer(std::shared_ptr<store::Store> store,
                         std::shared_ptr<pipeline::Metrics> metrics)
    : store_(std::move(store)), metrics_(std::move(metrics)) {}

AdminServer::~AdminServer() { stop(); }

Status AdminServer::start(const std::string& listen) {
  try {
    // SO_REUSEADDR (a restart binds at once) but not SO_REUSEPORT, which POCO's constructor sets:
    // with it a second instance would bind the same port and answer half the scrapes.
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(listen), true, false);
    socket.listen(64);
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams;  // reference-counted by POCO
    params->setMaxThreads(4);
    // Its own pool, so busy FHIR endpoints never leave /metrics and /healthz without a thread.
    pool_ = std::make_unique<Poco::ThreadPool>(1, 4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*store_, *metrics_), *pool_, socket,
                                                      params);
    server_->start();
    return Status::okStatus();
  } catch (const Poco::Exception& e) {
    return Status::unavailable("admin endpoint " + listen + ": " + e.displayText());
  }
}

void AdminServer::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

}  // namespace renkei::server

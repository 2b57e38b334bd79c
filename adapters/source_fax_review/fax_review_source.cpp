// fax_review source (see fax_review_source.h): accounts and limits from the config, TLS through
// POCO's context, the event-driven HTTP server (slow and idle clients cost no worker).
#include "fax_review_source.h"

#include <Poco/Net/Context.h>

#include "renkei/core/json_log.h"
#include "renkei/net/server_tls.h"
#include "review_handler.h"

namespace renkei::embedded {
extern const std::string_view kFaxReviewSourceSchema;
}

namespace renkei::adapters {
namespace {

struct ReviewOptions {
  net::HttpServerOptions http;
  bool plain = false;
  std::string certFile, keyFile;
  std::string tessdata;
};

class FaxReviewSource : public pipeline::Source {
 public:
  FaxReviewSource(std::string name, ReviewOptions options, std::unique_ptr<ReviewSessions> sessions,
                  forms::FormSet forms, pipeline::Intake& intake, std::shared_ptr<store::Store> store)
      : name_(name), options_(std::move(options)), sessions_(std::move(sessions)),
        handler_(std::move(name), *sessions_, std::move(forms), intake, std::move(store), options_.tessdata) {}
  ~FaxReviewSource() override { stop(); }

  Status start() override {
    if (!options_.plain) {
      auto context = net::serverTlsContext({options_.certFile, options_.keyFile, "", net::ClientCertificates::None, ""});
      if (!context.ok()) return Status::unavailable("source " + name_ + ": " + context.status().message());
      context_ = context.value();
      options_.http.tls = context_->sslContext();
    }
    server_ = std::make_unique<net::HttpServer>(options_.http, handler_);
    if (Status s = server_->start(); !s.ok()) {
      server_.reset();
      return Status::unavailable("source " + name_ + ": " + s.message());
    }
    JsonLog::write(LogLevel::Info, "fax_review_listening",
                   {{"source", name_}, {"port", std::to_string(server_->port())}, {"tls", options_.plain ? "off" : "on"}});
    return Status::okStatus();
  }

  void stop() override {
    if (!server_) return;
    server_->stop();
    server_.reset();
  }

 private:
  std::string name_;
  ReviewOptions options_;
  std::unique_ptr<ReviewSessions> sessions_;
  ReviewHandler handler_;
  Poco::Net::Context::Ptr context_;  ///< declared before server_: outlives it
  std::unique_ptr<net::HttpServer> server_;
};

}  // namespace

void registerFaxReviewSource(pipeline::AdapterRegistry& registry) {
  registry.addSource(
      "fax_review", embedded::kFaxReviewSourceSchema,
      [](const pipeline::AdapterContext& ctx) -> Result<std::shared_ptr<pipeline::Source>> {
        if (!ctx.store || ctx.intake == nullptr) {
          return Status::invalidInput("source " + ctx.name + ": needs the store and the pipeline");
        }
        const rapidjson::Value& c = *ctx.config;
        ReviewOptions o;
        o.http.listen = pipeline::configString(c, "listen");
        o.http.component = "source:" + ctx.name;
        o.http.health = ctx.metrics ? ctx.metrics->health() : nullptr;
        o.http.workers = 4;
        o.http.limits.maxBodyBytes = 1 << 20;
        o.plain = pipeline::configBool(c, "plain_http", false);
        o.tessdata = pipeline::configString(c, "tessdata");
        if (auto tls = c.FindMember("tls"); tls != c.MemberEnd()) {
          o.certFile = pipeline::configString(tls->value, "cert_file");
          o.keyFile = pipeline::configString(tls->value, "key_file");
        }
        if (!o.plain && (o.certFile.empty() || o.keyFile.empty())) {
          return Status::invalidInput("source " + ctx.name + ": needs tls (cert_file, key_file) or plain_http");
        }
        std::vector<ReviewAccount> accounts;
        for (const auto& a : c["accounts"].GetArray()) {
          accounts.push_back({pipeline::configString(a, "user"), pipeline::configString(a, "name"),
                              pipeline::configString(a, "organization"), pipeline::configString(a, "password_hash")});
        }
        auto sessions = std::make_unique<ReviewSessions>(
            std::move(accounts), pipeline::configInt(c, "session_minutes", 30) * 60'000,
            static_cast<int>(pipeline::configInt(c, "max_failures", 5)),
            pipeline::configInt(c, "lockout_minutes", 15) * 60'000);
        std::vector<std::string> dirs = {forms::defaultFormsDir()};
        for (const std::string& d : pipeline::configStrings(c, "forms")) dirs.push_back(d);
        std::vector<mapping::MappingError> errors;
        forms::FormSet set = forms::FormSet::load(dirs, errors);
        if (!errors.empty()) {
          const auto& e = errors.front();
          return Status::invalidInput("source " + ctx.name + ": form " + e.file + " " + e.pointer + ": " + e.message);
        }
        return std::shared_ptr<pipeline::Source>(std::make_shared<FaxReviewSource>(
            ctx.name, std::move(o), std::move(sessions), std::move(set), *ctx.intake, ctx.store));
      });
}

}  // namespace renkei::adapters

// The fhir_rest sink over TLS against a real in-process HTTPS server (POCO NetSSL) with
// certificates made by openssl for this test: a trusted server with client-certificate
// authentication delivers; an untrusted server is a retryable failure, never a plaintext fallback.

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/StreamCopier.h>

#include "pipeline/pipeline_fixture.h"
#include "support/test_certificates.h"

namespace renkei::test {
namespace {

class HttpsServer {
 public:
  HttpsServer(const std::filesystem::path& dir, bool requireClientCert) {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, (dir / "server.key").string(),
        (dir / "server.crt").string(), (dir / "ca.crt").string(),
        requireClientCert ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE);
    // POCO would also match the client certificate's name against the client's address.
    context->enableExtendedCertificateVerification(false);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~HttpsServer() { server_->stopAll(true); }
  int port() const { return port_; }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& res) override {
      std::string body;
      Poco::StreamCopier::copyToString(req.stream(), body);
      res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      res.setContentLength(2);
      res.send() << "{}";
    }
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler();
    }
  };
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

class FhirRestTlsTest : public PipelineFixture {
 protected:
  void SetUp() override {
    certs_ = dir_.path() / "certs";
    std::filesystem::create_directories(certs_);
    if (!makeTestCertificates(certs_)) GTEST_SKIP() << "openssl could not make test certificates";
  }
  std::string sinkJson(int port, const std::string& caFile, bool clientCert) {
    std::string tls = R"("ca_file": ")" + (certs_ / caFile).string() + "\"";
    if (clientCert) {
      tls += R"(, "cert_file": ")" + (certs_ / "client.crt").string() + R"(", "key_file": ")" +
             (certs_ / "client.key").string() + "\"";
    }
    return R"({"hospital": {"type": "fhir_rest", "base_url": "https://127.0.0.1:)" +
           std::to_string(port) + R"(/fhir", "timeout_ms": 3000, "tls": {)" + tls + "}}}";
  }
  std::filesystem::path certs_;
};

TEST_F(FhirRestTlsTest, DeliversToATrustedServerThatRequiresAClientCertificate) {
  HttpsServer server(certs_, true);
  build(sinkJson(server.port(), "ca.crt", true), "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kSent) << row.lastError;
}

TEST_F(FhirRestTlsTest, DeliversToATrustedServer) {
  HttpsServer server(certs_, false);
  build(sinkJson(server.port(), "ca.crt", false), "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kSent) << onlyRow().lastError;
}

TEST_F(FhirRestTlsTest, WithoutTheClientCertificateTheHandshakeFailsAndIsRetried) {
  HttpsServer server(certs_, true);
  build(sinkJson(server.port(), "ca.crt", false), "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  EXPECT_EQ(onlyRow().state, store::kRetrying) << onlyRow().lastError;
}

TEST_F(FhirRestTlsTest, AnUntrustedServerIsRefused) {
  HttpsServer server(certs_, false);
  build(sinkJson(server.port(), "other.crt", false), "hospital");
  submitOne(patientJson("p1"));
  pipeline_->deliverOnce();
  store::OutboxRow row = onlyRow();
  EXPECT_EQ(row.state, store::kRetrying);
  EXPECT_FALSE(row.lastError.empty());
}

}  // namespace
}  // namespace renkei::test

// The fhir_http source over the network: HTTPS with the configured certificate, TLS 1.0/1.1
// refused, client certificates required when configured or used as the client's identity, the
// request size limit, and plain HTTP only when the config says so.
#include <Poco/Crypto/X509Certificate.h>
#include <Poco/DigestEngine.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include "pipeline/pipeline_fixture.h"
#include "renkei/config/gateway_config.h"
#include "renkei/core/digest.h"
#include "support/test_certificates.h"
#include "support/test_env.h"

namespace renkei::test {
namespace {

class FhirHttpServerTest : public PipelineFixture {
 protected:
  void SetUp() override {
    certs_ = dir_.path() / "certs";
    std::filesystem::create_directories(certs_);
    if (!makeTestCertificates(certs_)) GTEST_SKIP() << "openssl could not make test certificates";
    build(R"({"out": {"type": "file_folder", "path": ")" + (dir_.path() / "out").string() + "\"}}",
          "out");
  }
  void TearDown() override {
    if (source_) source_->stop();
  }
  /// Starts the source on a free port with `transport` settings (a "tls" object or plain_http).
  void start(const std::string& transport, int64_t maxBytes = 1 << 20,
             const std::string& moreClients = "") {
    port_ = freePort();
    config_.Parse((R"({"type": "fhir_http", "listen": "127.0.0.1:)" + std::to_string(port_) +
                   R"(", "base": "/fhir", "max_request_bytes": )" + std::to_string(maxBytes) + ", " +
                   transport + R"(, "clients": [{"id": "a", "organization": "org-a", "token_sha256": ")" +
                   sha256Hex("token-a") + R"(", "scopes": ["system/*.write"]})" + moreClients + "]}")
                      .c_str());
    ASSERT_FALSE(config_.HasParseError());
    pipeline::AdapterContext ctx{"hospital", &config_, coreDefinitions(), pipeline_.get(), metrics_};
    auto source = registry_.source("fhir_http")->makeSource(ctx);
    ASSERT_TRUE(source.ok()) << source.status().toString();
    source_ = source.value();
    ASSERT_TRUE(source_->start().ok());
  }
  static int freePort() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
  }
  std::string tls(bool requireClientCert) const {
    return R"("tls": {"cert_file": ")" + (certs_ / "server.crt").string() + R"(", "key_file": ")" +
           (certs_ / "server.key").string() + R"(", "ca_file": ")" + (certs_ / "ca.crt").string() +
           R"(", "require_client_cert": )" + (requireClientCert ? "true" : "false") + "}";
  }
  Poco::Net::Context::Ptr clientContext(bool withCert, const std::string& name = "client") const {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE,
                                  withCert ? (certs_ / (name + ".key")).string() : "",
                                  withCert ? (certs_ / (name + ".crt")).string() : "",
                                  (certs_ / "ca.crt").string(), Poco::Net::Context::VERIFY_RELAXED);
  }
  /// POSTs a Patient; returns the status, or -1 when the connection failed.
  int postPatient(Poco::Net::HTTPClientSession& session, const std::string& body,
                  const std::string& token = "token-a") {
    try {
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/fhir/Patient",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      req.setContentType("application/fhir+json");
      if (!token.empty()) req.set("Authorization", "Bearer " + token);
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      session.sendRequest(req) << body;
      Poco::Net::HTTPResponse res;
      std::string ignored;
      Poco::StreamCopier::copyToString(session.receiveResponse(res), ignored);
      return static_cast<int>(res.getStatus());
    } catch (const Poco::Exception&) {
      return -1;
    }
  }

  std::filesystem::path certs_;
  rapidjson::Document config_;
  std::shared_ptr<pipeline::Source> source_;
  int port_ = 0;
};

TEST_F(FhirHttpServerTest, AcceptsOverHttpsWithKeepAlive) {
  start(tls(false));
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                        clientContext(false));
  session.setKeepAlive(true);
  EXPECT_EQ(postPatient(session, patientJson("p1")), 201);
  EXPECT_EQ(postPatient(session, patientJson("p2")), 201) << "second request, same connection";
  EXPECT_EQ(store_->outbox({})->size(), 2u);
}

TEST_F(FhirHttpServerTest, RefusesTls11) {
  start(tls(false));
  Poco::Net::Context::Ptr old = clientContext(false);
  old->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
  Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_), old);
  EXPECT_EQ(postPatient(session, patientJson("p1")), -1);
  EXPECT_TRUE(store_->outbox({})->empty());
}

TEST_F(FhirHttpServerTest, RequiresAClientCertificateWhenConfigured) {
  start(tls(true));
  Poco::Net::HTTPSClientSession without("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                        clientContext(false));
  EXPECT_EQ(postPatient(without, patientJson("p1")), -1);
  Poco::Net::HTTPSClientSession with("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                     clientContext(true));
  EXPECT_EQ(postPatient(with, patientJson("p1")), 201);
}

TEST_F(FhirHttpServerTest, AClientMayAuthenticateWithItsCertificateAlone) {
  const Poco::Crypto::X509Certificate cert((certs_ / "client.crt").string());
  const std::string fingerprint = Poco::DigestEngine::digestToHex(cert.fingerprint("SHA256"));
  start(tls(false), 1 << 20,
        R"(, {"id": "by-cert", "organization": "org-cert", "certificate_sha256": ")" + fingerprint +
            R"(", "scopes": ["system/*.write"]})");
  Poco::Net::HTTPSClientSession with("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                     clientContext(true));
  EXPECT_EQ(postPatient(with, patientJson("p1"), ""), 201) << "no token: the certificate says who";
  EXPECT_EQ(postPatient(with, patientJson("p2"), "wrong-token"), 401)
      << "a wrong token is not rescued by the certificate";
  Poco::Net::HTTPSClientSession without("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                        clientContext(false));
  EXPECT_EQ(postPatient(without, patientJson("p3"), ""), 401);
  EXPECT_EQ(postPatient(without, patientJson("p4")), 201) << "token clients need no certificate";
  Poco::Net::HTTPSClientSession untrusted("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                          clientContext(true, "other"));
  EXPECT_EQ(postPatient(untrusted, patientJson("p5"), ""), -1)
      << "a certificate the CA did not sign ends the handshake";
  auto first = store_->message(1).value();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sender, "org-cert") << "written for the certificate's organization";
}

TEST_F(FhirHttpServerTest, TooLargeIs413AndNothingIsStored) {
  start(R"("plain_http": true)", 2048);
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  std::string big = patientJson("p1");
  big.insert(big.size() - 1, ",\"_padding\":\"" + std::string(4000, 'x') + "\"");
  EXPECT_EQ(postPatient(session, big), 413);
  EXPECT_TRUE(store_->outbox({})->empty());
}

TEST_F(FhirHttpServerTest, ASecondListenerOnTheSamePortFailsToStart) {
  start(R"("plain_http": true)");
  rapidjson::Document again;
  again.CopyFrom(config_, again.GetAllocator());
  pipeline::AdapterContext ctx{"twin", &again, coreDefinitions(), pipeline_.get(), metrics_};
  auto twin = registry_.source("fhir_http")->makeSource(ctx);
  ASSERT_TRUE(twin.ok());
  Status started = twin.value()->start();
  EXPECT_FALSE(started.ok()) << "must not share the port (SO_REUSEPORT)";
  twin.value()->stop();
}

TEST(FhirHttpSourceConfig, PlainHttpOnlyWhenTheConfigSaysSo) {
  pipeline::AdapterRegistry registry;
  pipeline::registerBuiltinAdapters(registry);
  std::vector<config::ConfigError> errors;
  auto c = config::parseConfig(R"({"sources": {"hospital": {"type": "fhir_http", "listen": ":8443",
      "clients": [{"id": "a", "organization": "o", "scopes": ["system/*.write"],
                   "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000"}]}},
      "sinks": {}, "routes": []})",
                               "/etc/renkei", registry, errors);
  ASSERT_FALSE(c.ok());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/sources/hospital");
  EXPECT_NE(errors[0].message.find("anyOf"), std::string::npos) << errors[0].message;
}

}  // namespace
}  // namespace renkei::test

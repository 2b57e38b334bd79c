// Open-loop load at a constant rate against the hospitals' endpoint (Debian's wrk cannot pace):
// POSTs bench/fhir_http/transaction-10.json, its patient identifier made unique per request, on
// keep-alive connections. Each request has a scheduled send time; its latency is measured from
// that time, not from when a busy connection got round to it, so a stall shows up in the
// percentiles instead of silently lowering the rate (no coordinated omission).
// Usage: paced_load URL TOKEN RATE SECONDS CONNECTIONS [CA_FILE]
// Prints one JSON object: {"rate", "seconds", "sent", "ok", "errors", "p50_ms", "p90_ms",
// "p99_ms", "max_ms", "achieved_per_s"}.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

namespace {

using Clock = std::chrono::steady_clock;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<Poco::Net::HTTPClientSession> connect(const Poco::URI& uri, const std::string& ca) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (uri.getScheme() == "https") {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", ca,
        ca.empty() ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED);
    session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  }
  session->setKeepAlive(true);
  session->setTimeout(Poco::Timespan(30, 0));
  return session;
}

struct Worker {
  std::vector<double> latenciesMs;
  int64_t ok = 0;
  int64_t errors = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: paced_load URL TOKEN RATE SECONDS CONNECTIONS [CA_FILE]\n";
    return 2;
  }
  const Poco::URI uri(argv[1]);
  const std::string token = argv[2];
  const double rate = std::stod(argv[3]);
  const double seconds = std::stod(argv[4]);
  const int connections = std::stoi(argv[5]);
  const std::string ca = argc > 6 ? argv[6] : "";
  const std::string templateBody =
      readFile(std::string(RENKEI_SOURCE_DIR) + "/bench/fhir_http/transaction-10.json");
  const std::string marker = "\"value\":\"00000001\"";
  const std::size_t at = templateBody.find(marker);
  if (at == std::string::npos) {
    std::cerr << "paced_load: transaction-10.json has no patient identifier to vary\n";
    return 2;
  }
  const auto total = static_cast<int64_t>(rate * seconds);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  std::vector<Worker> workers(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(200);
  const std::string runId = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Worker& w = workers[static_cast<std::size_t>(c)];
      auto session = connect(uri, ca);
      // Request k is due at start + k * interval; connection c sends k = c, c + n, c + 2n, …
      for (int64_t k = c; k < total; k += connections) {
        const Clock::time_point due =
            start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k));
        std::this_thread::sleep_until(due);
        std::string body = templateBody;
        body.replace(at, marker.size(), "\"value\":\"" + runId + "-" + std::to_string(k) + "\"");
        try {
          Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                         Poco::Net::HTTPMessage::HTTP_1_1);
          request.setContentType("application/fhir+json");
          request.set("Authorization", "Bearer " + token);
          request.set("Prefer", "return=minimal");
          request.setContentLength(static_cast<std::streamsize>(body.size()));
          session->sendRequest(request) << body;
          Poco::Net::HTTPResponse response;
          std::string ignored;
          Poco::StreamCopier::copyToString(session->receiveResponse(response), ignored);
          const int status = static_cast<int>(response.getStatus());
          (status >= 200 && status < 300 ? w.ok : w.errors) += 1;
        } catch (const Poco::Exception&) {
          ++w.errors;
          session = connect(uri, ca);
        }
        w.latenciesMs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  int64_t ok = 0, errors = 0;
  for (const Worker& w : workers) {
    all.insert(all.end(), w.latenciesMs.begin(), w.latenciesMs.end());
    ok += w.ok;
    errors += w.errors;
  }
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    if (all.empty()) return 0.0;
    return all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "{\"rate\": %.0f, \"seconds\": %.0f, \"sent\": %zu, \"ok\": %lld, \"errors\": %lld, "
      "\"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f, "
      "\"achieved_per_s\": %.0f}\n",
      rate, seconds, all.size(), static_cast<long long>(ok), static_cast<long long>(errors),
      percentile(0.50), percentile(0.90), percentile(0.99), all.empty() ? 0.0 : all.back(),
      static_cast<double>(ok) / elapsed);
  return errors == 0 ? 0 : 1;
}

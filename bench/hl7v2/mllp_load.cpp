// MLLP load generator for the HL7 v2 end-to-end benchmark: CONNECTIONS TCP connections, each
// sending one ADT message (bench/hl7v2/adt_messages.h: distinct MSH-10 and patient id) and waiting
// for its ACK before the next, as hospital senders do. Every ACK is checked: MSA-1 must be AA and
// MSA-2 the message's control id. Messages are generated before the clock starts.
//   max    every connection sends its next message as soon as the last one is acknowledged, for
//          SECONDS: the acknowledged rate.
//   paced  RATE messages/s in total, message k due at start + k/RATE on connection k mod
//          CONNECTIONS; latency counted from the due time (a stall shows in the percentiles
//          instead of lowering the rate), until the ACK is read.
// Usage: mllp_load HOST PORT CONNECTIONS max|paced RATE SECONDS TAG
//   (RATE in max mode bounds how many messages are generated: RATE × SECONDS)
// Prints one JSON object; exits 1 when any message was not acknowledged AA.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "adt_messages.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Worker {
  std::vector<double> latenciesMs;
  long aa = 0;
  long notAa = 0;
  long errors = 0;
  std::string firstProblem;
};

int connectTo(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool sendAll(int fd, const std::string& data) {
  std::size_t at = 0;
  while (at < data.size()) {
    const ssize_t w = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (w <= 0) return false;
    at += static_cast<std::size_t>(w);
  }
  return true;
}

/// Reads one framed ACK; "" when the connection closed or timed out.
std::string readAck(int fd, std::string& buffer) {
  for (;;) {
    const std::size_t end = buffer.find("\x1c\r");
    if (end != std::string::npos) {
      const std::size_t start = buffer.find('\x0b');
      std::string payload = start < end ? buffer.substr(start + 1, end - start - 1) : "";
      buffer.erase(0, end + 2);
      return payload;
    }
    char chunk[4096];
    const ssize_t r = ::recv(fd, chunk, sizeof chunk, 0);
    if (r <= 0) return "";
    buffer.append(chunk, static_cast<std::size_t>(r));
  }
}

/// MSA-1 and MSA-2 of an ACK.
std::pair<std::string, std::string> msa(const std::string& ack) {
  const std::size_t at = ack.find("MSA|");
  if (at == std::string::npos) return {"", ""};
  const std::size_t end = ack.find('\r', at);
  const std::string seg = ack.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::vector<std::string> f;
  std::size_t from = 0;
  for (;;) {
    const std::size_t bar = seg.find('|', from);
    f.push_back(seg.substr(from, bar == std::string::npos ? std::string::npos : bar - from));
    if (bar == std::string::npos) break;
    from = bar + 1;
  }
  f.resize(3);
  return {f[1], f[2]};
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: mllp_load HOST PORT CONNECTIONS max|paced RATE SECONDS TAG\n";
    return 2;
  }
  const std::string host = argv[1];
  const int port = std::atoi(argv[2]);
  const int connections = std::atoi(argv[3]);
  const std::string mode = argv[4];
  const double rate = std::atof(argv[5]);
  const double seconds = std::atof(argv[6]);
  const std::string tag = argv[7];
  const bool paced = mode == "paced";
  const long total = static_cast<long>(rate * seconds);

  std::vector<std::string> frames;
  std::vector<std::string> controls;
  frames.reserve(static_cast<std::size_t>(total));
  for (long k = 0; k < total; ++k) {
    frames.push_back("\x0b" + renkei::bench::adtMessage(tag, k) + "\x1c\r");
    controls.push_back(tag + "C" + std::to_string(k));
  }
  std::vector<int> fds;
  for (int c = 0; c < connections; ++c) {
    const int fd = connectTo(host, port);
    if (fd < 0) {
      std::cerr << "mllp_load: cannot connect to " << host << ':' << port << '\n';
      return 2;
    }
    fds.push_back(fd);
  }

  std::vector<Worker> workers(static_cast<std::size_t>(connections));
  std::atomic<long> next{0};
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(50);
  const Clock::time_point stop = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<Clock::time_point> lastAck(static_cast<std::size_t>(connections), start);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Worker& w = workers[static_cast<std::size_t>(c)];
      std::string buffer;
      std::this_thread::sleep_until(start);
      for (long step = 0;; ++step) {
        const long k = paced ? c + step * connections : next.fetch_add(1);
        if (k >= total || (!paced && Clock::now() >= stop)) break;
        Clock::time_point due = Clock::now();
        if (paced) {
          due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(k) / rate));
          std::this_thread::sleep_until(due);
        }
        const int fd = fds[static_cast<std::size_t>(c)];
        std::string ack;
        if (sendAll(fd, frames[static_cast<std::size_t>(k)])) ack = readAck(fd, buffer);
        const Clock::time_point done = Clock::now();
        if (ack.empty()) {
          ++w.errors;
          if (w.firstProblem.empty()) w.firstProblem = "no ACK for " + controls[static_cast<std::size_t>(k)];
          break;
        }
        const auto [code, control] = msa(ack);
        if (code == "AA" && control == controls[static_cast<std::size_t>(k)]) {
          ++w.aa;
        } else {
          ++w.notAa;
          if (w.firstProblem.empty()) w.firstProblem = code + " for " + controls[static_cast<std::size_t>(k)] + " (MSA-2 " + control + ")";
        }
        w.latenciesMs.push_back(std::chrono::duration<double, std::milli>(done - due).count());
        lastAck[static_cast<std::size_t>(c)] = done;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int fd : fds) ::close(fd);

  std::vector<double> all;
  long aa = 0, notAa = 0, errors = 0;
  std::string problem;
  for (const Worker& w : workers) {
    all.insert(all.end(), w.latenciesMs.begin(), w.latenciesMs.end());
    aa += w.aa;
    notAa += w.notAa;
    errors += w.errors;
    if (problem.empty()) problem = w.firstProblem;
  }
  std::sort(all.begin(), all.end());
  const Clock::time_point end = *std::max_element(lastAck.begin(), lastAck.end());
  const double elapsed = std::chrono::duration<double>(end - start).count();
  const long sent = static_cast<long>(all.size()) + errors;
  char out[640];
  std::snprintf(out, sizeof out,
                "{\"mode\":\"%s\",\"connections\":%d,\"rate\":%.0f,\"seconds\":%.2f,\"sent\":%ld,\"aa\":%ld,"
                "\"not_aa\":%ld,\"errors\":%ld,\"acked_per_s\":%.0f,\"p50_ms\":%.2f,\"p95_ms\":%.2f,"
                "\"p99_ms\":%.2f,\"max_ms\":%.2f,\"generated\":%ld}",
                mode.c_str(), connections, paced ? rate : 0.0, elapsed, sent, aa, notAa, errors,
                static_cast<double>(aa + notAa) / elapsed, percentile(all, 50), percentile(all, 95),
                percentile(all, 99), all.empty() ? 0.0 : all.back(), total);
  std::cout << out << std::endl;
  if (!problem.empty()) std::cerr << "mllp_load: " << problem << '\n';
  if (!paced && next.load() >= total) std::cerr << "mllp_load: ran out of generated messages; raise RATE\n";
  return aa == sent && sent > 0 ? 0 : 1;
}

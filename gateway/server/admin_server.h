// The admin HTTP endpoint (POCO HTTPServer): GET /metrics (Prometheus text, with
// renkei_build_info) and GET /healthz (JSON: the build, the store and every long-lived loop; 200
// when the store answers and no loop is restarting after a failure, 503 otherwise). Its port is
// bound exclusively (no SO_REUSEPORT). It serves no patient data.
#pragma once

#include <memory>
#include <string>

#include "renkei/core/status.h"
#include "renkei/pipeline/metrics.h"
#include "renkei/store/store.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace renkei::server {

class AdminServer {
 public:
  AdminServer(std::shared_ptr<store::Store> store, std::shared_ptr<pipeline::Metrics> metrics);
  ~AdminServer();
  /// Listens on "host:port" (port 0 picks a free one).
  Status start(const std::string& listen);
  void stop();
  int port() const { return port_; }

 private:
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<pipeline::Metrics> metrics_;
  std::unique_ptr<Poco::ThreadPool> pool_;  ///< outlives server_
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  int port_ = 0;
};

}  // namespace renkei::server

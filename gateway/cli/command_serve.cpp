// `renkei serve --config FILE [--daemon] [--pidfile=FILE]`: runs the gateway as a POCO
// ServerApplication (foreground by default; --daemon, --pidfile and --umask are POCO's).
// SIGTERM or SIGINT stops the sources, lets in-flight deliveries finish and commit, and exits 0.
#include <fstream>
#include <iostream>
#include <memory>

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include "cli_support.h"
#include "commands.h"
#include "renkei/config/gateway_config.h"
#include "renkei/core/json_log.h"
#include "renkei/server/gateway_runtime.h"

namespace renkei::cli {
namespace {

const CommandSpec& spec() {
  static const CommandSpec s{
      "usage: renkei serve --config FILE [--daemon] [--pidfile=FILE] [--umask=MASK]\n"
      "\n"
      "Runs the gateway: sources, pipeline, deliveries, /metrics and /healthz. In the foreground\n"
      "by default; SIGTERM or SIGINT lets in-flight deliveries finish and exits 0.\n"
      "\n"
      "options:\n"
      "  --config FILE       the gateway config (check it with renkei check-config)\n"
      "  --daemon            detach and run in the background\n"
      "  --pidfile=FILE      write the process id to FILE\n"
      "  --umask=MASK        the file mode creation mask with --daemon (octal)\n",
      {"config", "pidfile", "umask"},
      {"daemon"}};
  return s;
}

LogLevel levelFrom(const std::string& name) {
  if (name == "debug") return LogLevel::Debug;
  if (name == "warn") return LogLevel::Warn;
  if (name == "error") return LogLevel::Error;
  return LogLevel::Info;
}

class ServeApplication : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    options.addOption(Poco::Util::Option("config", "", "gateway config file (JSON)")
                          .required(true)
                          .repeatable(false)
                          .argument("FILE")
                          .callback(Poco::Util::OptionCallback<ServeApplication>(
                              this, &ServeApplication::setConfig)));
  }

  int main(const std::vector<std::string>&) override {
    pipeline::AdapterRegistry registry;
    pipeline::registerBuiltinAdapters(registry);
    std::vector<config::ConfigError> errors;
    auto config = config::loadConfig(configPath_, registry, errors);
    if (!config.ok()) {
      for (const config::ConfigError& e : errors) {
        std::cerr << "renkei: " << configPath_ << ": " << e.pointer << ": " << e.message << '\n';
      }
      return EXIT_CONFIG;
    }
    if (!config->logFile.empty()) {
      logFile_ = std::make_unique<std::ofstream>(config->logFile, std::ios::app);
      if (*logFile_) JsonLog::setOutput(logFile_.get());
    }
    JsonLog::setLevel(levelFrom(config->logLevel));
    auto runtime = server::GatewayRuntime::create(std::move(config).value(), registry);
    if (!runtime.ok()) {
      std::cerr << "renkei: " << runtime.status().toString() << '\n';
      JsonLog::write(LogLevel::Error, "startup_failed", {{"error", runtime.status().toString()}});
      // Unavailable: something outside is in the way (another instance's lock, the store).
      return runtime.status().code() == StatusCode::Unavailable ? EXIT_UNAVAILABLE : EXIT_SOFTWARE;
    }
    Status started = runtime.value()->start();
    if (!started.ok()) {
      std::cerr << "renkei: " << started.toString() << '\n';
      JsonLog::write(LogLevel::Error, "startup_failed", {{"error", started.toString()}});
      runtime.value()->stop();
      return EXIT_UNAVAILABLE;
    }
    waitForTerminationRequest();
    JsonLog::write(LogLevel::Info, "shutdown_requested", {});
    runtime.value()->stop();
    JsonLog::setOutput(&std::cerr);
    return EXIT_OK;
  }

 private:
  void setConfig(const std::string&, const std::string& value) { configPath_ = value; }
  std::string configPath_;
  std::unique_ptr<std::ofstream> logFile_;
};

}  // namespace

int runServe(int argc, char** argv) {
  // Checked here so that --help and usage errors never start anything.
  CommandLine line = parseCommandLine(argc, argv, spec());
  if (!line.args) return line.exitCode;
  if (!line.args->has("config")) return usageError(spec(), "--config FILE is required");
  if (!line.args->positionals().empty()) {
    return usageError(spec(), "unexpected argument '" + line.args->positionals().front() + "'");
  }
  ServeApplication app;
  try {
    // POCO sees "renkei-serve --config …" (argv[1] is the subcommand).
    std::vector<std::string> args;
    args.push_back("renkei-serve");
    for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
    return app.run(args);
  } catch (const Poco::Exception& e) {
    return usageError(spec(), e.displayText());
  }
}

}  // namespace renkei::cli

// runCommand over Poco::Process (see run_command.h).
#include "renkei/core/run_command.h"

#include <chrono>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

namespace renkei {

Result<CommandResult> runCommand(const std::string& command, const std::vector<std::string>& args,
                                 int64_t timeoutMs) {
  try {
    Poco::Pipe output;
    Poco::ProcessHandle process = Poco::Process::launch(command, args, nullptr, &output, &output);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    int code = process.tryWait();
    while (code < 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      code = process.tryWait();
    }
    if (code < 0) {
      Poco::Process::kill(process);
      process.wait();
      return Status::unavailable(command + " did not finish within " + std::to_string(timeoutMs) + " ms");
    }
    CommandResult result;
    result.exitCode = code;
    Poco::PipeInputStream in(output);
    char buffer[4096];
    while (result.output.size() < 65536 && in.read(buffer, sizeof buffer).gcount() > 0) {
      result.output.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    return result;
  } catch (const Poco::Exception& e) {
    return Status::unavailable("cannot run " + command + ": " + e.displayText());
  }
}

}  // namespace renkei

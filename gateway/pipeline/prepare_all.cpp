// Preparing a batch of inputs (normalize, validate, route: no store) on several threads: a batch
// of a streamed file's records would otherwise keep one core busy and the others idle.
#include <algorithm>
#include <atomic>
#include <thread>

#include "renkei/pipeline/intake.h"

namespace renkei::pipeline {

std::vector<PreparedInput> prepareAll(const Intake& intake, std::vector<store::RawInput> inputs) {
  constexpr std::size_t kInputsPerThread = 16;
  // Asked once: glibc reads /sys/devices/system/cpu/online on every call (three system calls
  // per submitted batch otherwise).
  static const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<PreparedInput> prepared(inputs.size());
  const std::size_t threads = std::min(cores, inputs.size() / kInputsPerThread);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < inputs.size(); i = next++) prepared[i] = intake.prepare(std::move(inputs[i]));
  };
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  return prepared;
}

}  // namespace renkei::pipeline

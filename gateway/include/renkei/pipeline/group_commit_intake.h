// Group commit for sources that submit one input per call from many threads (the HTTP endpoint):
// each caller normalizes and routes its input in its own thread, then queues it; one committer
// thread hands everything queued to the inner Intake as one batch (one intake and one routing
// transaction), and each caller gets its own results back, only after its input is committed.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "renkei/pipeline/intake.h"

namespace renkei::pipeline {

class GroupCommitIntake : public Intake {
 public:
  GroupCommitIntake(Intake& inner, std::size_t maxBatch);
  ~GroupCommitIntake() override;
  GroupCommitIntake(const GroupCommitIntake&) = delete;
  GroupCommitIntake& operator=(const GroupCommitIntake&) = delete;

  /// Prepares in the caller's thread, then waits for the committer to commit the batch.
  std::vector<SubmitResult> submit(std::vector<store::RawInput> inputs) override;
  PreparedInput prepare(store::RawInput input) const override;
  std::vector<SubmitResult> submitPrepared(std::vector<PreparedInput> inputs) override;

 private:
  struct Job;
  void loop();

  Intake& inner_;
  std::size_t maxBatch_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool running_ = true;
  std::thread committer_;
};

}  // namespace renkei::pipeline

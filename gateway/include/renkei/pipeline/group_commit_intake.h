// Group commit for sources that submit one input per call from many threads (the HTTP endpoint):
// each caller normalizes and routes its input in its own thread, then queues it; one committer
// thread hands everything queued to the inner Intake as one batch (one intake and one routing
// transaction), and each caller gets its own results back, only after its input is committed.
// The committer is a SupervisedLoop ("intake:group_commit"): a batch whose commit throws is
// answered with a failure (no caller waits forever) and the committer goes on after a backoff.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "renkei/core/supervised_loop.h"
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
  std::shared_ptr<HealthRegistry> health() const override { return inner_.health(); }

 private:
  struct Job;
  /// One round of the committer: waits for jobs, commits one batch.
  Status commitRound();
  /// Up to maxBatch inputs' worth of queued jobs (the caller holds mutex_).
  std::vector<std::shared_ptr<Job>> takeBatch();
  /// Commits the batch and answers every job in it, whatever happens.
  Status commit(std::vector<std::shared_ptr<Job>>& batch);

  Intake& inner_;
  std::size_t maxBatch_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool running_ = true;
  SupervisedLoop committer_;
};

}  // namespace renkei::pipeline

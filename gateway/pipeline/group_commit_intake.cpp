// GroupCommitIntake: a queue of jobs drained by one supervised committer.
#include "renkei/pipeline/group_commit_intake.h"

namespace renkei::pipeline {

struct GroupCommitIntake::Job {
  std::vector<PreparedInput> inputs;
  std::vector<SubmitResult> results;
  bool done = false;
  std::mutex mutex;
  std::condition_variable finished;
};

GroupCommitIntake::GroupCommitIntake(Intake& inner, std::size_t maxBatch)
    : inner_(inner),
      maxBatch_(maxBatch),
      committer_("intake:group_commit", inner.health(), [this] { return commitRound(); }) {
  committer_.start();
}

GroupCommitIntake::~GroupCommitIntake() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  committer_.requestStop();
  queued_.notify_all();
  committer_.join();
  // What was queued before the stop is still committed, here, so that no caller is left waiting.
  for (;;) {
    std::vector<std::shared_ptr<Job>> batch;
    {
      std::lock_guard lock(mutex_);
      batch = takeBatch();
    }
    if (batch.empty()) break;
    Status ignored = commit(batch);
    (void)ignored;
  }
}

PreparedInput GroupCommitIntake::prepare(store::RawInput input) const {
  return inner_.prepare(std::move(input));
}

std::vector<SubmitResult> GroupCommitIntake::submitPrepared(std::vector<PreparedInput> inputs) {
  return inner_.submitPrepared(std::move(inputs));
}

std::vector<SubmitResult> GroupCommitIntake::submit(std::vector<store::RawInput> inputs) {
  auto job = std::make_shared<Job>();
  // Normalization and routing run here, in the caller's thread, in parallel with other callers;
  // only the commits are serialized.
  job->inputs = prepareAll(inner_, std::move(inputs));
  {
    std::lock_guard lock(mutex_);
    if (!running_) {
      std::vector<SubmitResult> refused(job->inputs.size());
      for (SubmitResult& r : refused) r.committed = Status::unavailable("the gateway is stopping");
      return refused;
    }
    queue_.push_back(job);
  }
  queued_.notify_one();
  std::unique_lock lock(job->mutex);
  job->finished.wait(lock, [&] { return job->done; });
  return std::move(job->results);
}

std::vector<std::shared_ptr<GroupCommitIntake::Job>> GroupCommitIntake::takeBatch() {
  std::vector<std::shared_ptr<Job>> batch;
  std::size_t inputs = 0;
  while (!queue_.empty() && (batch.empty() || inputs + queue_.front()->inputs.size() <= maxBatch_)) {
    inputs += queue_.front()->inputs.size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

Status GroupCommitIntake::commitRound() {
  std::vector<std::shared_ptr<Job>> batch;
  {
    std::unique_lock lock(mutex_);
    queued_.wait(lock, [&] { return !queue_.empty() || !running_; });
    batch = takeBatch();
  }
  if (batch.empty()) return Status::okStatus();  // stopping
  return commit(batch);
}

Status GroupCommitIntake::commit(std::vector<std::shared_ptr<Job>>& batch) {
  std::vector<PreparedInput> all;
  for (auto& job : batch) {
    for (auto& in : job->inputs) all.push_back(std::move(in));
  }
  const std::size_t count = all.size();
  std::vector<SubmitResult> results;
  Status failure;
  try {
    results = inner_.submitPrepared(std::move(all));
    if (results.size() != count) {
      failure = Status::internal("the intake answered " + std::to_string(results.size()) +
                                 " results for " + std::to_string(count) + " inputs");
    }
  } catch (...) {
    failure = Status::unavailable("the intake failed: " + describeCurrentException());
  }
  if (!failure.ok()) {
    // Callers learn only that nothing was stored; the details go to the log via the loop.
    results.assign(count, SubmitResult{});
    for (SubmitResult& r : results) {
      r.committed = Status::unavailable("the intake failed; nothing was stored");
    }
  }
  std::size_t at = 0;
  for (auto& job : batch) {
    {
      std::lock_guard lock(job->mutex);
      for (std::size_t i = 0; i < job->inputs.size(); ++i) job->results.push_back(results[at++]);
      job->done = true;
    }
    job->finished.notify_one();
  }
  return failure;
}

}  // namespace renkei::pipeline

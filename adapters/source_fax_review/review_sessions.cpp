// Reviewers' log-in, lockout and sessions (see review_sessions.h).
#include "review_sessions.h"

#include "renkei/core/password_hash.h"

namespace renkei::adapters {
namespace {

/// A hash no password matches: an unknown user is checked against it, so that the answer takes
/// as long as for a known one.
const std::string& decoyHash() {
  static const std::string hash = hashPassword(randomToken()).value();
  return hash;
}

}  // namespace

ReviewSessions::Outcome ReviewSessions::login(const std::string& user, const std::string& password, int64_t nowMs,
                                              ReviewSession& session) {
  const ReviewAccount* account = nullptr;
  for (const ReviewAccount& a : accounts_) {
    if (a.user == user) account = &a;
  }
  {
    std::lock_guard<std::mutex> hold(mutex_);
    if (failures_[user].lockedUntilMs > nowMs) return Outcome::Locked;
  }
  const bool right = verifyPassword(password, account != nullptr ? account->passwordHash : decoyHash()) && account;
  std::lock_guard<std::mutex> hold(mutex_);
  Failures& f = failures_[user];
  if (!right) {
    if (++f.count >= maxFailures_) {
      f.lockedUntilMs = nowMs + lockoutMs_;
      f.count = 0;
    }
    return Outcome::Refused;
  }
  failures_.erase(user);
  session = ReviewSession{randomToken(), randomToken(), *account, nowMs + idleMs_};
  sessions_[session.token] = session;
  return Outcome::LoggedIn;
}

std::optional<ReviewSession> ReviewSessions::find(const std::string& token, int64_t nowMs) {
  std::lock_guard<std::mutex> hold(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {  // expired sessions leave memory
    it = it->second.expiresMs <= nowMs ? sessions_.erase(it) : std::next(it);
  }
  auto it = sessions_.find(token);
  if (it == sessions_.end()) return std::nullopt;
  it->second.expiresMs = nowMs + idleMs_;
  return it->second;
}

void ReviewSessions::logout(const std::string& token) {
  std::lock_guard<std::mutex> hold(mutex_);
  sessions_.erase(token);
}

}  // namespace renkei::adapters

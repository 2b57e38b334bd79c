// Reviewers of the fax review page: accounts from the config (each of one organization, its
// password an scrypt hash), log-in with a lockout after repeated failures, and sessions — a random
// token for the cookie and another for the forms (CSRF) — that expire when idle.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace renkei::adapters {

struct ReviewAccount {
  std::string user;
  std::string name;          ///< shown in the page and written as the Provenance's verifier
  std::string organization;  ///< whose faxes this reviewer sees
  std::string passwordHash;  ///< "scrypt:…" (renkei password)
};

struct ReviewSession {
  std::string token;  ///< the cookie's value
  std::string csrf;   ///< every form carries it
  ReviewAccount account;
  int64_t expiresMs = 0;
};

class ReviewSessions {
 public:
  ReviewSessions(std::vector<ReviewAccount> accounts, int64_t idleMs, int maxFailures, int64_t lockoutMs)
      : accounts_(std::move(accounts)), idleMs_(idleMs), maxFailures_(maxFailures), lockoutMs_(lockoutMs) {}

  enum class Outcome { LoggedIn, Refused, Locked };
  /// Checks the password (an unknown user costs the same time), counts failures per user: after
  /// `maxFailures` in a row the user is locked for `lockoutMs`, right password or not.
  Outcome login(const std::string& user, const std::string& password, int64_t nowMs, ReviewSession& session);
  /// The session of a cookie token, its idle time renewed; nullopt when unknown or expired.
  std::optional<ReviewSession> find(const std::string& token, int64_t nowMs);
  void logout(const std::string& token);

 private:
  struct Failures {
    int count = 0;
    int64_t lockedUntilMs = 0;
  };
  std::vector<ReviewAccount> accounts_;
  int64_t idleMs_;
  int maxFailures_;
  int64_t lockoutMs_;
  std::mutex mutex_;
  std::map<std::string, Failures> failures_;
  std::map<std::string, ReviewSession> sessions_;
};

}  // namespace renkei::adapters

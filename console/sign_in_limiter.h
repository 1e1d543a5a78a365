#pragma once
// SignInLimiter: slows password guessing at the console's sign-in. Failures are counted per
// client address and per user name: once either has `max_failures` failures within
// `window`, further attempts from that address, or for that user, are refused (HTTP 429)
// until the oldest of those failures is `window` old. A successful sign-in clears its
// address's and its user's failures. Refused attempts are not checked, so they are not
// failures and do not lengthen the wait.
//
// Per user as well as per address: guessing one user's password from many addresses is
// slowed too, at the price that anyone can keep a user from signing in for a while by failing
// on purpose (they are counted, and the wait ends `window` after the last failure).
//
// Bounded: at most `max_keys` addresses and user names are tracked; beyond that the ones
// whose failures are all older than `window` are dropped, then the one with the oldest last
// failure (counted). Thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace mamori {

struct SignInLimiterOptions {
  size_t max_failures = 5;
  std::chrono::steady_clock::duration window = std::chrono::minutes(5);
  size_t max_keys = 10000;
};

class SignInLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SignInLimiter(SignInLimiterOptions options = SignInLimiterOptions()) : options_(options) {}

  // Nothing when an attempt from `address` for `user` may be checked at `now`; else how long
  // until it may (for Retry-After), and the refusal is counted.
  std::optional<Clock::duration> refuse(std::string_view address, std::string_view user,
                                        Clock::time_point now = Clock::now());
  // The attempt's password was wrong (or the user unknown).
  void failed(std::string_view address, std::string_view user, Clock::time_point now = Clock::now());
  // The attempt signed in.
  void succeeded(std::string_view address, std::string_view user);

  uint64_t refused() const;   // attempts refused
  uint64_t failures() const;  // attempts that failed
  uint64_t evicted() const;   // addresses and names forgotten early to stay within max_keys
  size_t tracked() const;     // addresses and names tracked now

 private:
  using Failures = std::deque<Clock::time_point>;  // oldest first, at most max_failures
  static std::string addressKey(std::string_view address);
  static std::string userKey(std::string_view user);
  // How long `key` must wait at `now`; zero when it need not.
  Clock::duration wait(const std::string& key, Clock::time_point now) const;
  void record(const std::string& key, Clock::time_point now);
  // Makes room for one more key.
  void makeRoom(Clock::time_point now);

  SignInLimiterOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Failures> failures_;
  uint64_t refused_ = 0, failed_ = 0, evicted_ = 0;
};

}  // namespace mamori

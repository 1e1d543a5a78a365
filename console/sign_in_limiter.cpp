#include "console/sign_in_limiter.h"

#include <algorithm>

namespace mamori {

namespace {

// Keys are made of what a client sends: bounded, so that a long name costs no more memory
// than a short one. No account name or address is longer.
constexpr size_t kMaxKeyText = 128;

}  // namespace

std::string SignInLimiter::addressKey(std::string_view address) {
  return "a " + std::string(address.substr(0, kMaxKeyText));
}

std::string SignInLimiter::userKey(std::string_view user) { return "u " + std::string(user.substr(0, kMaxKeyText)); }

SignInLimiter::Clock::duration SignInLimiter::wait(const std::string& key, Clock::time_point now) const {
  auto it = failures_.find(key);
  if (it == failures_.end() || it->second.empty() || it->second.size() < options_.max_failures) {
    return Clock::duration::zero();
  }
  // The deque holds the last max_failures failures: the attempt waits until its oldest has
  // left the window.
  return std::max(Clock::duration::zero(), it->second.front() + options_.window - now);
}

std::optional<SignInLimiter::Clock::duration> SignInLimiter::refuse(std::string_view address, std::string_view user,
                                                                    Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Clock::duration longest = std::max(wait(addressKey(address), now), wait(userKey(user), now));
  if (longest == Clock::duration::zero()) return std::nullopt;
  ++refused_;
  return longest;
}

void SignInLimiter::record(const std::string& key, Clock::time_point now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) {
    if (failures_.size() >= options_.max_keys) makeRoom(now);
    it = failures_.emplace(key, Failures()).first;
  }
  Failures& f = it->second;
  f.push_back(now);
  while (f.size() > options_.max_failures) f.pop_front();
}

void SignInLimiter::makeRoom(Clock::time_point now) {
  auto stalest = failures_.end();
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || now - it->second.back() >= options_.window) {
      it = failures_.erase(it);
      continue;
    }
    if (stalest == failures_.end() || it->second.back() < stalest->second.back()) stalest = it;
    ++it;
  }
  if (failures_.size() >= options_.max_keys && stalest != failures_.end()) {
    failures_.erase(stalest);
    ++evicted_;
  }
}

void SignInLimiter::failed(std::string_view address, std::string_view user, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++failed_;
  record(addressKey(address), now);
  record(userKey(user), now);
}

void SignInLimiter::succeeded(std::string_view address, std::string_view user) {
  std::lock_guard lock(mutex_);
  failures_.erase(addressKey(address));
  failures_.erase(userKey(user));
}

uint64_t SignInLimiter::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

uint64_t SignInLimiter::failures() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

uint64_t SignInLimiter::evicted() const {
  std::lock_guard lock(mutex_);
  return evicted_;
}

size_t SignInLimiter::tracked() const {
  std::lock_guard lock(mutex_);
  return failures_.size();
}

}  // namespace mamori

#pragma once
// SessionTable: the console's signed-in browser sessions. A sign-in creates one; its id
// travels in the session cookie, its CSRF token in the X-CSRF-Token header of each request
// that changes something (docs/console-api.md). Both are 32 random bytes as hex.
//
// A session ends when it has been idle for `idle` (each find() slides it), when it is
// `lifetime` old whatever its use, when its user signs out, or when its user is removed or
// given another password or role (removeUser(), from Accounts' revocation listener). The
// table holds at most `max_sessions`: a new session beyond that takes the place of the least
// recently used live one (counted). Sessions that ended are dropped when next looked up, or,
// once idle too long, by the next create().
//
// Ids are looked up by their digest, so the lookup's timing tells nothing about the ids it
// holds. Thread-safe (one mutex: a lookup a request, not the packet path).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "console/principal.h"

namespace mamori {

struct Session {
  using Clock = std::chrono::steady_clock;
  std::string id;    // the cookie's value
  std::string csrf;  // what X-CSRF-Token must carry
  Principal principal;
  Clock::time_point created, last_used;
  // Whether `given` (X-CSRF-Token) is this session's token; constant time.
  bool csrfMatches(std::string_view given) const;
};

struct SessionOptions {
  std::chrono::steady_clock::duration idle = std::chrono::minutes(30);
  std::chrono::steady_clock::duration lifetime = std::chrono::hours(12);
  size_t max_sessions = 10000;
};

class SessionTable {
 public:
  using Clock = Session::Clock;

  explicit SessionTable(SessionOptions options = SessionOptions()) : options_(options) {}

  Session create(const Principal& principal, Clock::time_point now = Clock::now());
  // The live session with this id, its last use moved to `now`; nothing for an unknown,
  // malformed or ended one (an ended one is dropped).
  std::optional<Session> find(std::string_view id, Clock::time_point now = Clock::now());
  // Signs out; false when there was no such session.
  bool remove(std::string_view id);
  // Ends every session of `user`; returns how many.
  size_t removeUser(std::string_view user);

  size_t size() const;
  // Sessions dropped to make room for new ones: above zero, more browsers than max_sessions
  // were signed in at once (or someone signs in in a loop).
  uint64_t evicted() const;

 private:
  using Order = std::set<std::pair<Clock::time_point, std::string>>;  // (last_used, key)
  struct Entry {
    Session session;
    Order::iterator order;
  };
  // An ended session is one `now` is past: idle too long, or too old.
  bool ended(const Session& s, Clock::time_point now) const;
  void erase(std::map<std::string, Entry>::iterator it);

  SessionOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> sessions_;  // by the digest of the id
  Order by_last_used_;
  uint64_t evicted_ = 0;
};

}  // namespace mamori

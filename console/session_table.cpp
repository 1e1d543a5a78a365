#include "console/session_table.h"

#include "console/secrets.h"

namespace mamori {

namespace {

constexpr size_t kSecretBytes = 32;

}  // namespace

bool Session::csrfMatches(std::string_view given) const { return sameSecret(csrf, given); }

bool SessionTable::ended(const Session& s, Clock::time_point now) const {
  return now - s.last_used >= options_.idle || now - s.created >= options_.lifetime;
}

void SessionTable::erase(std::map<std::string, Entry>::iterator it) {
  by_last_used_.erase(it->second.order);
  sessions_.erase(it);
}

Session SessionTable::create(const Principal& principal, Clock::time_point now) {
  Session session{randomHex(kSecretBytes), randomHex(kSecretBytes), principal, now, now};
  std::string key = digestHex(session.id);
  std::lock_guard lock(mutex_);
  // The least recently used sessions are at the front: first those idle too long, then,
  // when the table is full anyway, live ones.
  while (!by_last_used_.empty()) {
    auto oldest = sessions_.find(by_last_used_.begin()->second);
    bool idle = now - oldest->second.session.last_used >= options_.idle;
    if (!idle && sessions_.size() < options_.max_sessions) break;
    if (!idle) ++evicted_;
    erase(oldest);
  }
  auto order = by_last_used_.emplace(now, key).first;
  sessions_.emplace(std::move(key), Entry{session, order});
  return session;
}

std::optional<Session> SessionTable::find(std::string_view id, Clock::time_point now) {
  if (!isLowerHex(id, kSecretBytes)) return std::nullopt;
  std::string key = digestHex(id);
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  Entry& entry = it->second;
  if (ended(entry.session, now)) {
    erase(it);
    return std::nullopt;
  }
  entry.session.last_used = now;
  by_last_used_.erase(entry.order);
  entry.order = by_last_used_.emplace(now, key).first;
  return entry.session;
}

bool SessionTable::remove(std::string_view id) {
  if (!isLowerHex(id, kSecretBytes)) return false;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(digestHex(id));
  if (it == sessions_.end()) return false;
  erase(it);
  return true;
}

size_t SessionTable::removeUser(std::string_view user) {
  std::lock_guard lock(mutex_);
  size_t removed = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (it->second.session.principal.name == user) {
      erase(it);
      ++removed;
    }
    it = next;
  }
  return removed;
}

size_t SessionTable::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

uint64_t SessionTable::evicted() const {
  std::lock_guard lock(mutex_);
  return evicted_;
}

}  // namespace mamori
